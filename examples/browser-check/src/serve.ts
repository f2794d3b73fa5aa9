import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the static server serves: files in memory by URL path, and folders on disk by URL prefix. */
export interface ServedContent {
  files: Map<string, Uint8Array | string>;
  folders: Map<string, string>;
}

/** A static server on 127.0.0.1 (a free port); `close()` when done. */
export async function serve(content: ServedContent): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    try {
      const body = await readServed(content, path);
      if (body === undefined) {
        response.writeHead(404).end(`not served: ${path}`);
        return;
      }
      response.writeHead(200, {
        'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      response.end(body);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The bytes the server answers for `path`, or undefined (404); Node's side of a check reads the same. */
export async function readServed(content: ServedContent, path: string): Promise<Uint8Array | undefined> {
  const file = content.files.get(path);
  if (file !== undefined) return typeof file === 'string' ? new TextEncoder().encode(file) : file;
  for (const [prefix, folder] of content.folders) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(folder, path.slice(prefix.length)));
    if (!file.startsWith(folder + sep)) return undefined; // no `..` out of the folder
    return readFile(file).catch(() => undefined);
  }
  return undefined;
}
