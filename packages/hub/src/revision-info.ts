import { HubError } from './hub-error.js';
import { errorForResponse, hubFetch, hubHeaders } from './hub-http.js';

/**
 * A revision of a Hub model repo: its commit hash and every file path in it.
 *
 * @example
 * ```ts
 * const info: RevisionInfo = { commit: 'a'.repeat(40), files: ['config.json', 'model.safetensors'] };
 * ```
 */
export interface RevisionInfo {
  readonly commit: string;
  readonly files: readonly string[];
}

/** @internal Resolved connection settings. */
export interface Connection {
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly fetch: typeof fetch;
}

/**
 * `GET <endpoint>/api/models/<repo>/revision/<revision>`: the commit a branch, tag or `refs/pr/N` points
 * at, and the repo's files (`siblings`). @internal
 */
export async function fetchRevisionInfo(
  connection: Connection,
  repo: string,
  revision: string,
): Promise<RevisionInfo> {
  const url = `${connection.endpoint.replace(/\/+$/, '')}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  const response = await hubFetch(connection.fetch, url, { headers: hubHeaders(connection.token) }, repo);
  if (!response.ok) throw errorForResponse(response, repo, undefined);
  const body = (await response.json()) as { sha?: unknown; siblings?: { rfilename?: unknown }[] };
  if (typeof body.sha !== 'string' || !Array.isArray(body.siblings))
    throw new HubError({
      repo,
      reason: 'network',
      message: `${url} did not answer a revision (sha, siblings)`,
    });
  const files = body.siblings
    .map((entry) => entry.rfilename)
    .filter((f): f is string => typeof f === 'string');
  return { commit: body.sha, files };
}

/**
 * The `refs/pr/N` revisions whose files include `wanted` (e.g. the safetensors conversion that the Hub's
 * bot opens as a pull request on pickle-only repos), newest first; empty when none or on any error. @internal
 */
export async function pullRequestsWith(
  connection: Connection,
  repo: string,
  wanted: string,
): Promise<string[]> {
  try {
    const url = `${connection.endpoint.replace(/\/+$/, '')}/api/models/${repo}/refs?include_prs=1`;
    const response = await connection.fetch(url, { headers: hubHeaders(connection.token) });
    if (!response.ok) return [];
    const body = (await response.json()) as { pullRequests?: { ref?: unknown }[] };
    const refs = (body.pullRequests ?? [])
      .map((pr) => pr.ref)
      .filter((ref): ref is string => typeof ref === 'string' && /^refs\/pr\/\d+$/.test(ref))
      .sort((a, b) => Number(b.slice(8)) - Number(a.slice(8)));
    const found: string[] = [];
    for (const ref of refs) {
      const info = await fetchRevisionInfo(connection, repo, ref).catch(() => undefined);
      if (info?.files.includes(wanted)) found.push(ref);
    }
    return found;
  } catch {
    return [];
  }
}
