import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dirs.js';
import { loadCsv } from './load-csv.js';
import { loadJsonl } from './load-jsonl.js';

const tempDir = useTempDirs();

const directory = tempDir('icd-data-loaders-');
function write(name: string, text: string): string {
  const file = join(directory, name);
  writeFileSync(file, text);
  return file;
}
async function collect(notes: AsyncIterable<ClinicalNote>): Promise<ClinicalNote[]> {
  const result: ClinicalNote[] = [];
  for await (const note of notes) result.push(note);
  return result;
}

describe('loadJsonl', () => {
  it('reads text, codes, optional id and sections; normalises and de-duplicates codes', async () => {
    const file = write(
      'notes.jsonl',
      [
        JSON.stringify({ id: 'a', text: 'Fast AF.', codes: ['i48.0', 'I480', 'I10'] }),
        '',
        JSON.stringify({
          text: 'Chest pain. Plan: PCI.',
          codes: [],
          sections: [{ title: 'Plan', start: 12, end: 21 }],
        }),
      ].join('\n'),
    );
    const notes = await collect(loadJsonl(file));
    expect(notes.map((note) => [note.id, note.codes])).toEqual([
      ['a', ['I48.0', 'I10']],
      ['notes.jsonl:3', []],
    ]);
    expect(notes[1]!.sections).toEqual([{ title: 'Plan', start: 12, end: 21 }]);
  });

  it('keeps another coding system with a custom normaliser', async () => {
    const file = write('icd9.jsonl', JSON.stringify({ text: 'x', codes: [' 401.9 '] }));
    const notes = await collect(loadJsonl(file, { normalizeCode: (code) => code.trim() }));
    expect(notes[0]!.codes).toEqual(['401.9']);
  });

  it.each([
    ['{"text": "ok", "codes": []}\n{"text": "broken"', 2, 'invalid JSON'],
    ['{"text": "ok", "codes": []}\n\n[1, 2]', 3, 'JSON object'],
    ['{"text": 5, "codes": []}', 1, "'text' must be a string"],
    ['{"text": "x", "codes": "I10"}', 1, "'codes' must be an array of strings"],
    ['{"text": "x", "codes": ["I10", "not a code"]}', 1, 'invalid code "not a code"'],
    ['{"text": "short", "codes": [], "sections": [{"title": "A", "start": 0, "end": 99}]}', 1, 'sections[0]'],
  ])('reports a malformed row with file and line (%#)', async (text, line, message) => {
    const file = write(`bad-${line}-${message.length}.jsonl`, text);
    const error = await collect(loadJsonl(file)).catch((caught: unknown) => caught);
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file, line });
    expect((error as Error).message).toContain(message);
  });
});

describe('loadCsv', () => {
  it('reads RFC 4180 rows with multiline quoted notes and ;-separated codes', async () => {
    const file = write(
      'notes.csv',
      'id,text,codes,sections\r\nn1,"Fast AF, rate 140.\r\nSeen by ""cardiology"".",I48.0;i10,\r\nn2,Chest pain,I20.9,"[{""title"":""CC"",""start"":0,""end"":5}]"\r\n',
    );
    const notes = await collect(loadCsv(file));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatchObject({
      id: 'n1',
      text: 'Fast AF, rate 140.\r\nSeen by "cardiology".',
      codes: ['I48.0', 'I10'],
      metadata: { line: 2 },
    });
    expect(notes[1]).toMatchObject({
      id: 'n2',
      codes: ['I20.9'],
      sections: [{ title: 'CC', start: 0, end: 5 }],
      metadata: { line: 4 },
    });
  });

  it('uses another code separator and a generated id', async () => {
    const file = write('pipes.csv', 'text,codes\nx,I10|R52\n');
    const notes = await collect(loadCsv(file, { codeSeparator: '|' }));
    expect(notes[0]).toMatchObject({ id: 'pipes.csv:2', codes: ['I10', 'R52'] });
  });

  it.each([
    ['text,codes\n"a\nb",I10\nc\n', 4, 'expected 2 fields'],
    ['id,text\n1,x\n', 1, "'codes' column"],
    ['text,codes\nok,I10\nbad,I10;XYZ.1\n', 3, 'invalid code "XYZ.1"'],
    ['text,codes\nok,"I10\n', 2, 'not closed'],
    ['text,codes,sections\nok,I10,[oops\n', 2, "'sections' must hold a JSON array"],
  ])('reports a malformed row with file and line (%#)', async (text, line, message) => {
    const file = write(`bad-${line}-${message.length}.csv`, text);
    const error = await collect(loadCsv(file)).catch((caught: unknown) => caught);
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file, line });
    expect((error as Error).message).toContain(message);
  });

  it('reports an empty file', async () => {
    const file = write('empty.csv', '');
    await expect(collect(loadCsv(file))).rejects.toThrow('no header row');
  });
});
