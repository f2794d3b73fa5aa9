import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { DataFormatError, type NoteInput } from '@icd/core';

function noteOf(value: unknown, file: string, line?: number): NoteInput {
  const note = value as { id?: unknown; text?: unknown; language?: unknown } | null;
  if (note === null || typeof note !== 'object' || typeof note.text !== 'string')
    throw new DataFormatError({
      file,
      ...(line ? { line } : {}),
      message: 'expected { "id": string, "text": string }',
    });
  const id = typeof note.id === 'number' ? String(note.id) : note.id;
  if (typeof id !== 'string' || id.length === 0)
    throw new DataFormatError({ file, ...(line ? { line } : {}), message: 'a note needs a non-empty "id"' });
  return { id, text: note.text, ...(typeof note.language === 'string' ? { language: note.language } : {}) };
}

/** Notes of JSON Lines text: one `{ id, text, language? }` per non-empty line. */
export function parseNotesJsonl(text: string, file = '<stdin>'): NoteInput[] {
  const notes: NoteInput[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DataFormatError({ file, line: index + 1, message: 'not valid JSON' });
    }
    notes.push(noteOf(value, file, index + 1));
  });
  return notes;
}

/**
 * The notes of `icd batch enqueue`'s input: `-` (JSON Lines on stdin), a `.jsonl` / `.ndjson` file, a
 * `.json` file (an array of notes or `{ notes: [...] }`), a folder (each `.txt` file one note, its name
 * without `.txt` the id), or any other file (one note, id from its name).
 *
 * @example
 * ```ts
 * const notes = await readNotes('backlog.jsonl'); // [{ id: 'n1', text: '...' }, ...]
 * ```
 */
export async function readNotes(
  source: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<NoteInput[]> {
  if (source === '-') {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return parseNotesJsonl(text);
  }
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new DataFormatError({ file: source, message: 'no such file or folder' });
  if (info.isDirectory()) {
    const names = (await readdir(source)).filter((name) => name.endsWith('.txt')).sort();
    return Promise.all(
      names.map(async (name) => ({
        id: basename(name, '.txt'),
        text: await readFile(join(source, name), 'utf8'),
      })),
    );
  }
  const text = await readFile(source, 'utf8');
  const extension = extname(source).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return parseNotesJsonl(text, source);
  if (extension === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new DataFormatError({ file: source, message: 'not valid JSON' });
    }
    const list = Array.isArray(value) ? value : (value as { notes?: unknown } | null)?.notes;
    if (!Array.isArray(list))
      throw new DataFormatError({
        file: source,
        message: 'expected an array of notes or { "notes": [...] }',
      });
    return list.map((note) => noteOf(note, source));
  }
  return [{ id: basename(source, extname(source)), text }];
}
