/**
 * Frozen-encoder states on disk: the notes of `cacheHiddenStates` (@icd/heads) written once to
 * checkpoints/heads/ as one binary file of typed arrays + a JSON index, and read back on later runs, so
 * a rerun of the bench does not run the encoder again. The cache is keyed by the encoder folder's
 * safetensors size and mtime, the window settings and the note ids.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of `@icd/heads`' `CachedNote` (structurally the same type). */
export interface StoredNote {
  readonly id: string;
  readonly text: string;
  readonly codes: readonly string[];
  readonly windows: {
    readonly ids: Int32Array;
    readonly typeIds: Int32Array;
    readonly offsets: Int32Array;
    readonly windowStarts: Int32Array;
    readonly windowCount: number;
  };
  readonly states: Float32Array;
  readonly hiddenSize: number;
}

interface IndexEntry {
  readonly id: string;
  readonly tokens: number;
  readonly windowCount: number;
  readonly at: number;
}

interface Index {
  readonly key: string;
  readonly hiddenSize: number;
  readonly notes: readonly IndexEntry[];
}

export function cacheKey(modelDir: string, settings: unknown, ids: readonly string[]): string {
  const weights = statSync(join(modelDir, 'model.safetensors'));
  let hash = 2166136261;
  for (const id of ids)
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return `${weights.size}:${weights.mtimeMs}:${JSON.stringify(settings)}:${ids.length}:${(hash >>> 0).toString(16)}`;
}

/** Notes in `notes` order from `path.{bin,json}` when the key matches; `undefined` otherwise. */
export function readStates(
  path: string,
  key: string,
  notes: readonly { id: string; text: string; codes: readonly string[] }[],
): StoredNote[] | undefined {
  if (!existsSync(`${path}.json`) || !existsSync(`${path}.bin`)) return undefined;
  const index = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as Index;
  if (index.key !== key || index.notes.length !== notes.length) return undefined;
  const bytes = readFileSync(`${path}.bin`);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return index.notes.map((entry, position) => {
    const note = notes[position]!;
    if (note.id !== entry.id)
      throw new Error(`hidden-state cache ${path}: note ${position} is ${entry.id}, not ${note.id}`);
    let at = entry.at;
    const take = <T>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, length: number): T => {
      const view = make(buffer, at, length);
      at += length * 4;
      return view;
    };
    const int = (b: ArrayBuffer, o: number, l: number) => new Int32Array(b, o, l);
    const ids = take(int, entry.tokens);
    const typeIds = take(int, entry.tokens);
    const offsets = take(int, 2 * entry.tokens);
    const windowStarts = take(int, entry.windowCount + 1);
    const states = take((b, o, l) => new Float32Array(b, o, l), entry.tokens * index.hiddenSize);
    return {
      id: note.id,
      text: note.text,
      codes: [...note.codes],
      windows: { ids, typeIds, offsets, windowStarts, windowCount: entry.windowCount },
      states,
      hiddenSize: index.hiddenSize,
    };
  });
}

export function writeStates(path: string, key: string, notes: readonly StoredNote[]): void {
  const hiddenSize = notes[0]?.hiddenSize ?? 0;
  const entries: IndexEntry[] = [];
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const note of notes) {
    const tokens = note.windows.ids.length;
    entries.push({ id: note.id, tokens, windowCount: note.windows.windowCount, at });
    for (const array of [
      note.windows.ids,
      note.windows.typeIds,
      note.windows.offsets,
      note.windows.windowStarts,
      note.states,
    ]) {
      parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      at += array.byteLength;
    }
  }
  const all = new Uint8Array(at);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  writeFileSync(`${path}.bin`, all);
  writeFileSync(`${path}.json`, JSON.stringify({ key, hiddenSize, notes: entries } satisfies Index));
}
