import { invalidArgument } from '@icd/core';

/** The public Hub; `HF_ENDPOINT` (Node) or `endpoint` replaces it. @internal */
export const defaultEndpoint = 'https://huggingface.co';

/**
 * Where and how to get a Hub repo's files, as `from_pretrained` in Python takes them.
 *
 * @example
 * ```ts
 * const options: HubOptions = { revision: 'refs/pr/3', token: process.env.HF_TOKEN, localFilesOnly: false };
 * ```
 */
export interface HubOptions {
  /** Branch, tag, commit hash or `refs/pr/N` (default `main`). */
  readonly revision?: string;
  /** Access token for gated and private repos (Node default: `HF_TOKEN`, then `$HF_HOME/token`). */
  readonly token?: string;
  /** Never use the network: the cache only (Node default: `HF_HUB_OFFLINE`). */
  readonly localFilesOnly?: boolean;
  /** Hub URL (Node default: `HF_ENDPOINT`, else https://huggingface.co). */
  readonly endpoint?: string;
  /** Folder of the repo that holds the model (`subfolder` in Python). */
  readonly subfolder?: string;
  /** The `fetch` to use (default: the global one). */
  readonly fetch?: typeof fetch;
}

const idPattern = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

/**
 * Whether `value` reads as a Hub model id (`name` or `org/name`, letters, digits, `-`, `_`, `.`; no
 * `..`, no leading `./` or `/`). Loaders use a local folder when one exists at that path first.
 *
 * @example
 * ```ts
 * isHubId('emilyalsentzer/Bio_ClinicalBERT'); // true
 * isHubId('./models/bert'); // false
 * ```
 */
export function isHubId(value: unknown): value is string {
  return typeof value === 'string' && idPattern.test(value) && !value.includes('..') && value.length <= 96;
}

/** @internal Checks an id and returns it. */
export function checkHubId(fn: string, repo: unknown): string {
  if (!isHubId(repo)) invalidArgument(fn, 'repo', 'a Hub model id such as "org/name"', repo);
  return repo;
}

/** @internal Checks a file path inside a repo (no absolute paths, no `..`). */
export function checkRepoPath(fn: string, path: unknown): string {
  if (
    typeof path !== 'string' ||
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.split('/').some((part) => part === '..' || part === '.' || part === '')
  )
    invalidArgument(fn, 'path', 'a relative file path inside the repo', path);
  return path;
}

/** @internal `subfolder/path`, or `path`. */
export function inSubfolder(subfolder: string | undefined, path: string): string {
  return subfolder ? `${subfolder.replace(/\/+$/, '')}/${path}` : path;
}

/** @internal A commit hash (40 hex digits). */
export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** @internal `<endpoint>/<repo>/resolve/<revision>/<path>`, revision and path URL-encoded as Python does. */
export function resolveUrl(endpoint: string, repo: string, revision: string, path: string): string {
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}

/** @internal `W/"abc"` → `abc`, as huggingface_hub normalises ETags. */
export function normalizeEtag(etag: string | null): string | undefined {
  if (etag === null) return undefined;
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '') || undefined;
}
