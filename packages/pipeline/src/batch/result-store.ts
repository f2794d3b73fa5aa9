import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { access, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '@icd/core';

/** Longest note id a result store takes (file names stay under 255 bytes once encoded). */
export const MAX_NOTE_ID_LENGTH = 200;

/** Checks a note id for the batch path: a non-empty string of at most {@link MAX_NOTE_ID_LENGTH} characters. */
export function assertNoteId(fn: string, argument: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_NOTE_ID_LENGTH)
    invalidArgument(fn, argument, `a note id: a string of 1 to ${MAX_NOTE_ID_LENGTH} characters`, id);
}

/**
 * The output store of batch coding: a folder with one `<id>.json` per note (the id percent-encoded, so
 * any id is a safe file name), each written atomically — to a temp file in `<dir>/.tmp`, then renamed
 * over the final name — so a reader never sees half a file and a note coded twice (BullMQ delivers at
 * least once) still leaves exactly one result. A shared folder (NFS, a mounted bucket with atomic
 * rename) lets workers on several machines write to one store.
 *
 * @example
 * ```ts
 * const store = new DirectoryResultStore('out/');
 * await store.put('note-17', { noteId: 'note-17', codes: ['I10'] });
 * await store.ids(); // ['note-17']
 * ```
 */
export class DirectoryResultStore {
  private readonly tmp: string;

  constructor(readonly dir: string) {
    if (typeof dir !== 'string' || dir.length === 0)
      invalidArgument('DirectoryResultStore', 'dir', 'a folder path', dir);
    this.tmp = join(dir, '.tmp');
    mkdirSync(this.tmp, { recursive: true });
  }

  /** The file of note `id`. */
  fileOf(id: string): string {
    assertNoteId('DirectoryResultStore.fileOf', 'id', id);
    // Percent-encoded, and a leading dot too, so that no id names a hidden file or `..`.
    return join(this.dir, `${encodeURIComponent(id).replace(/^\./, '%2E')}.json`);
  }

  /** Whether note `id` has a result. */
  async has(id: string): Promise<boolean> {
    try {
      await access(this.fileOf(id));
      return true;
    } catch {
      return false;
    }
  }

  /** Writes note `id`'s result atomically (replacing an earlier one). */
  async put(id: string, value: unknown): Promise<void> {
    const file = this.fileOf(id);
    const temp = join(this.tmp, `${process.pid}-${randomBytes(6).toString('hex')}.json`);
    await writeFile(temp, `${JSON.stringify(value)}\n`);
    await rename(temp, file);
  }

  /** Note `id`'s result, or `undefined`. */
  async get(id: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.fileOf(id), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The ids that have a result, sorted. */
  async ids(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .map((name) => decodeURIComponent(name.slice(0, -'.json'.length)))
      .sort();
  }
}
