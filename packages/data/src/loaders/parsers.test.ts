import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../../test/shared-dir.js';
import { parseIcd10Descriptions } from '../icd/parse-icd10-descriptions.js';
import { parseCamlMimic, parseCamlTopCodes } from './parse-caml-mimic.js';
import { parseCodiEsp, parseCodiEspTsv } from './parse-codiesp.js';
import { parseCsv } from './parse-csv-notes.js';
import { parseJsonl } from './parse-jsonl.js';

// The browser-safe twins of the file loaders: strings and bytes in, the same notes and checks out.
const bytes = (text: string) => new TextEncoder().encode(text);

function failure(run: () => unknown): DataFormatError {
  try {
    run();
  } catch (error) {
    expect(DataFormatError.isInstance(error)).toBe(true);
    return error as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

describe('parseCsv and parseJsonl', () => {
  const csv = '\uFEFFid,text,codes\r\nn1,"Fast AF, rate 140",I48.0;i10\r\n,"two\nlines",\r\n';
  it.each([
    ['a string', csv],
    ['bytes', bytes(csv)],
  ])('parseCsv from %s', (_, input) => {
    const notes = parseCsv(input, { file: 'notes.csv' });
    expect(notes.map((note) => [note.id, note.text, note.codes])).toEqual([
      ['n1', 'Fast AF, rate 140', ['I48.0', 'I10']],
      ['notes.csv:3', 'two\nlines', []],
    ]);
  });

  it('parseCsv refuses a duplicate column, an empty input and invalid UTF-8, with lines', () => {
    expect(failure(() => parseCsv('text,codes,codes\nx,I10,I20\n')).message).toBe(
      "input:1: the header names the column 'codes' twice; rename or drop one of them",
    );
    expect(failure(() => parseCsv('')).message).toBe('input: the file is empty (no header row)');
    const latin1 = Uint8Array.from([...bytes('text,codes\nok,I10\n'), 0x63, 0xe9, 0x2c, 0x0a]);
    expect(failure(() => parseCsv(latin1, { file: 'l.csv' }))).toMatchObject({ file: 'l.csv', line: 3 });
  });

  it('parseJsonl from a string and from bytes; errors carry the line', () => {
    const text = '{"id":"a","text":"Fast AF","codes":["i48.0"]}\n\n{"text":"x","codes":[]}';
    for (const input of [text, bytes(text)]) {
      expect(parseJsonl(input, { file: 'dir/n.jsonl' }).map((note) => [note.id, note.codes])).toEqual([
        ['a', ['I48.0']],
        ['n.jsonl:3', []],
      ]);
    }
    expect(failure(() => parseJsonl('{"text":"x","codes":[]}\n[1]')).line).toBe(2);
    expect(failure(() => parseJsonl(Uint8Array.of(0x7b, 0xff, 0x7d))).message).toContain(
      'input:1: invalid UTF-8',
    );
  });
});

describe('parseCamlMimic and parseCamlTopCodes', () => {
  const dir = join(packageDir, 'fixtures', 'caml');
  it('the committed CAML fixture, from bytes', () => {
    const notes = parseCamlMimic(readFileSync(join(dir, 'train_50.csv')), { split: 'train', labelSet: '50' });
    expect(notes.map((note) => [note.id, note.codes])).toEqual([
      ['200001', ['414.01', '401.9', '36.15', '39.61']],
      ['200002', ['428.0', '427.31', '584.9']],
      ['200003', ['038.9', '995.92', 'V45.81']],
      ['200004', []],
    ]);
    expect(
      failure(() =>
        parseCamlMimic(readFileSync(join(dir, 'dev_50.csv'), 'utf8'), { split: 'dev', file: 'dev_50.csv' }),
      ),
    ).toMatchObject({ file: 'dev_50.csv', line: 3 });
    expect(parseCamlTopCodes('401.9\r\n\r\n38.93\n')).toEqual(['401.9', '38.93']);
  });
});

describe('parseCodiEspTsv and parseCodiEsp', () => {
  const spanish = { c1: 'Varón con fibrilación auricular.', c2: 'Mujer con dolor torácico.' };
  const english = { c1: 'Man with atrial fibrillation.', c2: 'Woman with chest pain.' };

  it('track D from objects and Maps; codes normalised, notes in id order', () => {
    const labels = 'c2\tr07.9\nc1\ti48.0\nc1\tI48.0\nc1\ti10\n';
    for (const texts of [english, new Map(Object.entries(english))]) {
      const notes = parseCodiEsp({ split: 'train', labels, texts });
      expect(notes.map((note) => [note.id, note.codes, note.language])).toEqual([
        ['c1', ['I48.0', 'I10'], 'en'],
        ['c2', ['R07.9'], 'en'],
      ]);
    }
    expect(parseCodiEspTsv(bytes(labels), { track: 'D' }).get('c1')?.codes).toEqual(['I48.0', 'I10']);
  });

  it('track X: evidence into the Spanish text, offsets checked against it', () => {
    const labels = 'c1\tDIAGNOSTICO\ti48.0\tfibrilación auricular\t10 31\n';
    const notes = parseCodiEsp({ split: 'train', track: 'X', labels, texts: english, spanishTexts: spanish });
    expect(notes[0]!.evidence).toEqual([
      { code: 'I48.0', kind: 'diagnosis', text: 'fibrilación auricular', spans: [{ start: 10, end: 31 }] },
    ]);
    expect(spanish.c1.slice(10, 31)).toBe('fibrilación auricular');
    const past = 'c1\tDIAGNOSTICO\ti48.0\tx\t10 31\nc2\tDIAGNOSTICO\ti10\tx\t20 26\n';
    // c2's Spanish text has 25 characters; the English one would have allowed 26.
    expect(
      failure(() =>
        parseCodiEsp({ split: 'dev', track: 'X', labels: past, texts: english, spanishTexts: spanish }),
      ),
    ).toMatchObject({ file: 'devX.tsv', line: 2 });
    expect(() => parseCodiEsp({ split: 'train', track: 'X', labels, texts: english })).toThrow(
      InvalidArgumentError,
    );
    expect(parseCodiEsp({ split: 'train', track: 'X', language: 'es', labels, texts: spanish })).toHaveLength(
      2,
    );
  });

  it('unlabelled splits need no labels; labels without a text and bad rows are refused', () => {
    expect(parseCodiEsp({ split: 'test', texts: english }).map((note) => note.codes)).toEqual([[], []]);
    expect(() => parseCodiEsp({ split: 'train', texts: english })).toThrow(InvalidArgumentError);
    expect(failure(() => parseCodiEsp({ split: 'train', labels: 'c3\tI10\n', texts: english })).message).toBe(
      'trainD.tsv: case c3 has labels but no text',
    );
    expect(failure(() => parseCodiEspTsv('c1\tI10\nc1\n', { track: 'D', file: 'trainD.tsv' }))).toMatchObject(
      {
        file: 'trainD.tsv',
        line: 2,
      },
    );
  });
});

describe('parseIcd10Descriptions', () => {
  it('codes file from bytes, CSV from a string', () => {
    const table = parseIcd10Descriptions(
      bytes(
        'A000    Cholera due to Vibrio cholerae 01, biovar cholerae\nI10     Essential (primary) hypertension\n',
      ),
    );
    expect(table.describe('I10')).toBe('Essential (primary) hypertension');
    expect(
      parseIcd10Descriptions('code,description\nI48,Atrial fibrillation and flutter\n').describe('I48'),
    ).toBe('Atrial fibrillation and flutter');
    expect(
      failure(() => parseIcd10Descriptions('A000    ok\nnot a line\n', { file: 'codes.txt' })),
    ).toMatchObject({
      file: 'codes.txt',
      line: 2,
    });
  });
});
