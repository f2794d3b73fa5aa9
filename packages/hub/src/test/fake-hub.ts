import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A repo served by {@link startFakeHub}: file contents by path, which are LFS (served by sha256 through a
 * CDN redirect; default: `*.safetensors` and `*.bin`), an optional gate, and `refs/pr/N` revisions.
 *
 * @example
 * ```ts
 * const repo: FakeRepo = { files: { 'config.json': '{}' }, gated: true };
 * ```
 */
export interface FakeRepo {
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  readonly gated?: boolean;
  readonly pullRequests?: Readonly<Record<string, Readonly<Record<string, string | Uint8Array>>>>;
}

/**
 * How {@link startFakeHub} behaves: `ranges: false` for a CDN that ignores `Range` (answers 200 with
 * the whole file, so a resume must restart).
 *
 * @example
 * ```ts
 * const hub = await startFakeHub({}, { ranges: false });
 * ```
 */
export interface FakeHubSettings {
  readonly ranges?: boolean;
}

/**
 * A running fake Hub: its `endpoint`, the `requests` it answered (method and path), the `token` it
 * accepts for gated repos, `dropNext(path, afterBytes)` to cut the next CDN download of a file mid-way,
 * and `close()`.
 *
 * @example
 * ```ts
 * const hub = await startFakeHub({ 'org/tiny': { files: { 'config.json': '{}' } } });
 * hub.requests.length; // 0
 * await hub.close();
 * ```
 */
export interface FakeHub {
  readonly endpoint: string;
  readonly requests: { method: string; path: string; range?: string; authorization?: string }[];
  readonly token: string;
  commitOf(repo: string, revision?: string): string;
  dropNext(path: string, afterBytes: number): void;
  close(): Promise<void>;
}

const bytesOf = (value: string | Uint8Array) =>
  typeof value === 'string' ? new TextEncoder().encode(value) : value;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const gitBlobId = (bytes: Uint8Array) =>
  createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
const isLfs = (path: string) => /\.(safetensors|bin)$/.test(path);

interface Revision {
  readonly commit: string;
  readonly files: Map<string, Uint8Array>;
}

/**
 * Starts an HTTP server on 127.0.0.1 (random port) that answers as the HuggingFace Hub does for what
 * model downloads call: `GET /api/models/<id>/revision/<rev>` (sha, siblings), `GET
 * /api/models/<id>/refs?include_prs=1`, `HEAD`/`GET /<id>/resolve/<rev>/<path>` (ETag, X-Repo-Commit;
 * LFS files answer 302 to `/cdn/<sha256>` with X-Linked-Etag / X-Linked-Size), Range requests on the CDN,
 * 401 for gated repos without a token and 403 with another token (X-Error-Code GatedRepo), 404 with X-Error-Code for missing repos, revisions and files.
 * Test helper; not part of the runtime API.
 *
 * @example
 * ```ts
 * const hub = await startFakeHub({ 'org/tiny': { files: { 'config.json': '{}' } } });
 * await downloadToCache('org/tiny', 'config.json', { endpoint: hub.endpoint, cacheDir });
 * ```
 */
export async function startFakeHub(
  repos: Readonly<Record<string, FakeRepo>>,
  settings: FakeHubSettings = {},
): Promise<FakeHub> {
  const revisions = new Map<string, Map<string, Revision>>();
  const blobs = new Map<string, Uint8Array>();
  for (const [id, repo] of Object.entries(repos)) {
    const byRevision = new Map<string, Revision>();
    const add = (name: string, files: Readonly<Record<string, string | Uint8Array>>) => {
      const map = new Map(Object.entries(files).map(([path, value]) => [path, bytesOf(value)] as const));
      const commit = createHash('sha1').update(`${id}@${name}`).digest('hex');
      for (const bytes of map.values()) blobs.set(sha256(bytes), bytes);
      byRevision.set(name, { commit, files: map });
      byRevision.set(commit, { commit, files: map });
    };
    add('main', repo.files);
    for (const [ref, files] of Object.entries(repo.pullRequests ?? {})) add(ref, files);
    revisions.set(id, byRevision);
  }
  const requests: FakeHub['requests'] = [];
  const drops = new Map<string, number>();
  const token = 'hf_fake_token';
  let endpoint = '';

  const fail = (res: ServerResponse, status: number, code: string, commit?: string) => {
    if (commit) res.setHeader('x-repo-commit', commit);
    res.writeHead(status, { 'x-error-code': code, 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: code }));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) return serveBlob(req, res, cdn[1] as string);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|refs)(?:\/(.+))?$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const id = decodeURIComponent((api ?? resolve)?.[1] ?? '');
    const byRevision = revisions.get(id);
    if (!byRevision) return fail(res, 404, 'RepoNotFound');
    // As the Hub: no token → 401, a token without access to the gated repo → 403 (both GatedRepo).
    if (repos[id]?.gated && req.headers.authorization !== `Bearer ${token}`)
      return fail(res, req.headers.authorization ? 403 : 401, 'GatedRepo');
    if (api?.[2] === 'refs') {
      const pullRequests = [...byRevision.keys()]
        .filter((k) => k.startsWith('refs/pr/'))
        .map((ref) => ({ ref }));
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ branches: [{ name: 'main' }], pullRequests }));
    }
    const revision = byRevision.get(decodeURIComponent((api?.[3] ?? resolve?.[2]) as string));
    if (!revision) return fail(res, 404, 'RevisionNotFound');
    if (api) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          id,
          sha: revision.commit,
          siblings: [...revision.files.keys()].map((rfilename) => ({ rfilename })),
        }),
      );
    }
    const path = decodeURIComponent(resolve?.[3] as string);
    const bytes = revision.files.get(path);
    if (!bytes) return fail(res, 404, 'EntryNotFound', revision.commit);
    res.setHeader('x-repo-commit', revision.commit);
    if (isLfs(path)) {
      const hash = sha256(bytes);
      res.writeHead(302, {
        location: `${endpoint}/cdn/${hash}`,
        'x-linked-etag': `"${hash}"`,
        'x-linked-size': String(bytes.length),
        etag: `W/"${gitBlobId(bytes)}"`,
      });
      return res.end();
    }
    res.writeHead(200, { etag: `"${gitBlobId(bytes)}"`, 'content-length': String(bytes.length) });
    return res.end(req.method === 'HEAD' ? undefined : bytes);
  };
  const serveBlob = (req: IncomingMessage, res: ServerResponse, hash: string) => {
    const bytes = blobs.get(hash) as Uint8Array;
    const range = settings.ranges === false ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= bytes.length && range) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
      return res.end();
    }
    const body = bytes.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-length': String(body.length),
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    const cut = drops.get(hash);
    if (cut !== undefined) {
      drops.delete(hash);
      // Cut a moment after the partial body is sent: an error on a fetch body stream discards the chunks
      // the reader has not pulled yet, so an immediate cut would make what reaches the disk racy.
      res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 30));
      return;
    }
    res.end(body);
  };
  const server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  // The CDN redirect is absolute, as the Hub's (relative redirects are for renamed repos).
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    requests,
    token,
    commitOf: (repo, revision = 'main') => revisions.get(repo)?.get(revision)?.commit as string,
    dropNext(path, afterBytes) {
      for (const byRevision of revisions.values())
        for (const revision of byRevision.values()) {
          const bytes = revision.files.get(path);
          if (bytes) drops.set(sha256(bytes), afterBytes);
        }
    },
    close: () =>
      new Promise<void>((done, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : done()));
      }),
  };
}
