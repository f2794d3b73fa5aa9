import { HubError } from './hub-error.js';

/** @internal Headers of every Hub request. */
export function hubHeaders(token: string | undefined, extra: Record<string, string> = {}): Headers {
  const headers = new Headers({ 'user-agent': 'icd-hub/0.1.0', ...extra });
  if (token) headers.set('authorization', `Bearer ${token}`);
  return headers;
}

/** @internal A typed error for a failed Hub answer, with what to do. */
export function errorForResponse(response: Response, repo: string, file: string | undefined): HubError {
  const code = response.headers.get('x-error-code');
  const status = response.status;
  const where = file === undefined ? repo : `${repo}/${file}`;
  if (status === 401 || status === 403 || code === 'GatedRepo') {
    const gated = code === 'GatedRepo' || status === 403;
    return new HubError({
      repo,
      file,
      status,
      reason: 'gated',
      message: gated
        ? `is gated (HTTP ${status}): accept its conditions on ${repo}'s Hub page, then pass a token (options.token or HF_TOKEN) of the account that did`
        : `needs authentication (HTTP 401): the repo is private or gated, or does not exist; check the id "${repo}", then pass a read token (options.token or HF_TOKEN)`,
    });
  }
  if (status === 404) {
    const what =
      code === 'RevisionNotFound'
        ? 'the revision does not exist (check options.revision)'
        : code === 'EntryNotFound'
          ? `the file is not in the repo at this revision`
          : `no repo "${repo}" (check the id's spelling and org)`;
    return new HubError({ repo, file, status, reason: 'notFound', message: `not found (HTTP 404): ${what}` });
  }
  return new HubError({ repo, file, status, reason: 'network', message: `${where} answered HTTP ${status}` });
}

/** @internal `fetch` that turns thrown network errors into typed ones. */
export async function hubFetch(
  fetcher: typeof fetch,
  url: string,
  init: RequestInit,
  repo: string,
  file?: string,
): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (cause) {
    throw new HubError({
      repo,
      file,
      reason: 'network',
      message: `cannot reach ${url} (${(cause as Error).message}); check the connection or endpoint, or load from the cache with localFilesOnly: true`,
      cause,
    });
  }
}
