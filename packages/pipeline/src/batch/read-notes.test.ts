import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataFormatError } from '@icd/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNotesJsonl, readNotes } from './read-notes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icd-notes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readNotes', () => {
  it('reads JSON Lines, JSON arrays, { notes }, folders of .txt, single files and stdin', async () => {
    await writeFile(
      join(dir, 'a.jsonl'),
      '{"id":"n1","text":"AF"}\n\n{"id":2,"text":"HTN","language":"es"}\n',
    );
    expect(await readNotes(join(dir, 'a.jsonl'))).toEqual([
      { id: 'n1', text: 'AF' },
      { id: '2', text: 'HTN', language: 'es' },
    ]);
    await writeFile(join(dir, 'b.json'), JSON.stringify({ notes: [{ id: 'x', text: 't' }] }));
    expect(await readNotes(join(dir, 'b.json'))).toEqual([{ id: 'x', text: 't' }]);
    await writeFile(join(dir, 'c.json'), JSON.stringify([{ id: 'y', text: 'u' }]));
    expect(await readNotes(join(dir, 'c.json'))).toEqual([{ id: 'y', text: 'u' }]);
    const folder = join(dir, 'notes');
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    await writeFile(join(folder, 'S0001.txt'), 'first');
    await writeFile(join(folder, 'S0002.txt'), 'second');
    await writeFile(join(folder, 'ignored.md'), 'no');
    expect(await readNotes(folder)).toEqual([
      { id: 'S0001', text: 'first' },
      { id: 'S0002', text: 'second' },
    ]);
    expect(await readNotes(join(folder, 'S0002.txt'))).toEqual([{ id: 'S0002', text: 'second' }]);
    expect(await readNotes('-', Readable.from(['{"id":"s","text":"from stdin"}\n']))).toEqual([
      { id: 's', text: 'from stdin' },
    ]);
  });

  it('names the file and line of bad input', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"id":"ok","text":"a"}\n{"id":"no text"}\n');
    await expect(readNotes(bad)).rejects.toThrow(`${bad}:2: `);
    expect(() => parseNotesJsonl('not json')).toThrow(DataFormatError);
    expect(() => parseNotesJsonl('{"text":"no id"}')).toThrow(/<stdin>:1: a note needs/);
    await expect(readNotes(join(dir, 'missing.jsonl'))).rejects.toThrow(DataFormatError);
    await writeFile(join(dir, 'obj.json'), '{"x":1}');
    await expect(readNotes(join(dir, 'obj.json'))).rejects.toThrow(DataFormatError);
  });
});
