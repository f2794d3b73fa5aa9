import { CheckpointError } from '@icd/core';
import type { ModelFolderFiles } from './model-folder-files.js';

const MAGIC = 'icd-model-folder/1';

/**
 * One file of bytes holding a whole model folder (for a browser download or a cache entry): an 8-byte
 * little-endian header length, a JSON header `{ format, files: { name: [offset, length] } }`, then the
 * files' bytes — the layout of safetensors.
 *
 * @example
 * ```ts
 * const bytes = packModelFolder(await modelFolderFiles(coder, info));
 * const coder = await loadModelFolder(bytes);
 * ```
 */
export function packModelFolder(files: Readonly<Record<string, string | Uint8Array>>): Uint8Array {
  const encoder = new TextEncoder();
  const entries = Object.entries(files).map(
    ([name, content]) => [name, typeof content === 'string' ? encoder.encode(content) : content] as const,
  );
  const index: Record<string, [number, number]> = {};
  let offset = 0;
  for (const [name, bytes] of entries) {
    index[name] = [offset, bytes.length];
    offset += bytes.length;
  }
  const header = encoder.encode(JSON.stringify({ format: MAGIC, files: index }));
  const out = new Uint8Array(8 + header.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  for (const [name, bytes] of entries) out.set(bytes, 8 + header.length + index[name]![0]);
  return out;
}

/** The files of a {@link packModelFolder} file; `CheckpointError` when the bytes are not one. */
export function unpackModelFolder(bytes: Uint8Array): ModelFolderFiles {
  const fail = (message: string): never => {
    throw new CheckpointError({ file: 'model folder bytes', message });
  };
  if (bytes.length < 8) fail('too short to be a packed model folder');
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (length > bytes.length - 8) fail(`header length ${length} exceeds the ${bytes.length} bytes`);
  let header: { format?: unknown; files?: Record<string, [number, number]> };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch (cause) {
    return fail(`header is not JSON (${String(cause)})`);
  }
  if (header?.format !== MAGIC || typeof header.files !== 'object') fail(`format is not ${MAGIC}`);
  const body = 8 + length;
  const files: ModelFolderFiles = {};
  for (const [name, [offset, size]] of Object.entries(header.files!)) {
    if (
      !Number.isInteger(offset) ||
      !Number.isInteger(size) ||
      offset < 0 ||
      body + offset + size > bytes.length
    )
      fail(`file ${name} lies outside the bytes`);
    const content = bytes.slice(body + offset, body + offset + size);
    files[name] = content;
  }
  return files;
}
