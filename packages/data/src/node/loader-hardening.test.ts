import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dirs.js';
import { loadCamlMimic, loadCamlTopCodes } from './load-caml-mimic.js';
import { loadCodiesp } from './load-codiesp.js';
import { loadCsv } from './load-csv.js';
import { loadIcd10Descriptions } from './load-icd10-descriptions.js';
import { loadJsonl } from './load-jsonl.js';

const tempDir = useTempDirs();
const root = tempDir('icd-data-hardening-');

async function drain(notes: AsyncIterable<ClinicalNote>): Promise<void> {
  for await (const _ of notes);
}

async function failure(run: () => Promise<unknown>): Promise<DataFormatError> {
  try {
    await run();
  } catch (error) {
    expect(DataFormatError.isInstance(error)).toBe(true);
    return error as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

function write(path: string, content: string | Uint8Array): string {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  return file;
}

describe('missing files and folders are DataFormatErrors naming the path, in every loader', () => {
  const missing = join(root, 'nowhere');
  const folder = join(root, 'a-folder.csv');
  mkdirSync(folder, { recursive: true });

  it.each([
    ['loadCsv', (path: string) => drain(loadCsv(path))],
    ['loadJsonl', (path: string) => drain(loadJsonl(path))],
    ['loadIcd10Descriptions', (path: string) => loadIcd10Descriptions(path)],
  ])('%s: a missing file (ENOENT) and a folder (EISDIR)', async (_, load) => {
    const notFound = await failure(() => load(missing));
    expect(notFound.file).toBe(missing);
    expect(notFound.message).toBe(`${missing}: the file not found (ENOENT)`);
    const isFolder = await failure(() => load(folder));
    expect(isFolder.file).toBe(folder);
    expect(isFolder.message).toBe(`${folder}: the file is a folder, expected a file (EISDIR)`);
  });

  it('loadCamlMimic, loadCamlTopCodes and loadCodiesp name the file or folder', async () => {
    expect((await failure(() => drain(loadCamlMimic(missing, { split: 'dev' })))).file).toBe(
      join(missing, 'dev_full.csv'),
    );
    expect((await failure(() => loadCamlTopCodes(missing))).file).toBe(join(missing, 'TOP_50_CODES.csv'));
    // An unlabelled split reads no label file: the missing text folder is the error.
    const noTexts = await failure(() => drain(loadCodiesp(missing, { split: 'test' })));
    expect(noTexts.file).toBe(join(missing, 'test', 'text_files_en'));
    expect(noTexts.message).toContain('the folder not found (ENOENT)');
    // A text "file" that is a folder.
    write('codiesp/test/text_files_en/c1.txt/inner', 'x');
    const textIsFolder = await failure(() => drain(loadCodiesp(join(root, 'codiesp'), { split: 'test' })));
    expect(textIsFolder.file).toBe(join(root, 'codiesp', 'test', 'text_files_en', 'c1.txt'));
  });
});

describe('invalid UTF-8 is refused with the file and line, never turned into U+FFFD', () => {
  const latin1 = (text: string) => Uint8Array.from([...text].map((character) => character.charCodeAt(0)));

  it('loadCsv, loadJsonl, loadIcd10Descriptions, loadCamlTopCodes', async () => {
    // "é" written in Latin-1 (0xE9) on line 3.
    const csv = write('latin1.csv', latin1('id,text,codes\nn1,ok,I10\nn2,caf\u00e9,I10\n'));
    const jsonl = write(
      'latin1.jsonl',
      latin1('{"text":"ok","codes":[]}\n\n{"text":"caf\u00e9","codes":[]}\n'),
    );
    const codes = write('latin1-codes.txt', latin1('A000    Cholera\nA001    Chol\u00e9ra\n'));
    const top = write('caml/TOP_50_CODES.csv', latin1('401.9\n38.93\n\u00e9\n'));
    for (const [run, file, line] of [
      [() => drain(loadCsv(csv)), csv, 3],
      [() => drain(loadJsonl(jsonl)), jsonl, 3],
      [() => loadIcd10Descriptions(codes), codes, 2],
      [() => loadCamlTopCodes(join(root, 'caml')), top, 3],
    ] as const) {
      const error = await failure(run);
      expect([error.file, error.line]).toEqual([file, line]);
      expect(error.message).toContain('invalid UTF-8');
    }
  });

  it('a sequence cut off at the end of the file, and a bad byte past the first 64 KiB chunk', async () => {
    const cut = write(
      'cut.jsonl',
      Uint8Array.from([...new TextEncoder().encode('{"text":"ok","codes":[]}\n'), 0xc3]),
    );
    expect((await failure(() => drain(loadJsonl(cut)))).line).toBe(2);
    const longLine = `{"text":"${'a'.repeat(70_000)}","codes":[]}\n`;
    const bytes = new TextEncoder().encode(`${longLine}${longLine}{"text":"x`);
    const late = write(
      'late.jsonl',
      Uint8Array.from([...bytes, 0xff, ...new TextEncoder().encode('","codes":[]}\n')]),
    );
    expect((await failure(() => drain(loadJsonl(late)))).line).toBe(3);
  });

  it('loadCodiesp: a label file and a text file', async () => {
    write('es-bad/train/text_files_en/c1.txt', 'Man.');
    write('es-bad/train/text_files/c1.txt', 'Var\u00f3n.');
    const labels = write('es-bad/train/trainD.tsv', latin1('c1\tI10\nc1\tR07.9 \u00e9\n'));
    const labelError = await failure(() => drain(loadCodiesp(join(root, 'es-bad'), { split: 'train' })));
    expect([labelError.file, labelError.line]).toEqual([labels, 2]);
    write('es-bad/train/trainD.tsv', 'c1\tI10\n');
    const text = write('es-bad/train/text_files_en/c1.txt', latin1('Man\nwith \u00e9.'));
    const textError = await failure(() => drain(loadCodiesp(join(root, 'es-bad'), { split: 'train' })));
    expect([textError.file, textError.line]).toEqual([text, 2]);
  });
});

describe('a CodiEsp label row with an empty case id is refused with its line', () => {
  it.each([
    ['D', 'c1\tI10\n\tE11.9\n'],
    ['X', 'c1\tDIAGNOSTICO\ti10\tvar\u00f3n\t0 5\n \tDIAGNOSTICO\ti10\tvar\u00f3n\t0 5\n'],
  ] as const)('track %s', async (track, rows) => {
    write(`empty-id-${track}/train/text_files/c1.txt`, 'Var\u00f3n.');
    write(`empty-id-${track}/train/text_files_en/c1.txt`, 'Man.');
    const labels = write(`empty-id-${track}/train/train${track}.tsv`, rows);
    const error = await failure(() =>
      drain(loadCodiesp(join(root, `empty-id-${track}`), { split: 'train', track })),
    );
    expect([error.file, error.line]).toEqual([labels, 2]);
    expect(error.message).toContain('case id');
  });
});

describe('CodiEsp X-track offsets past the end of the Spanish text are refused', () => {
  const spanish = 'Varón con fibrilación auricular.'; // 32 characters

  it.each(['en', 'es'] as const)('language %s: file and line of the row', async (language) => {
    const dir = `x-${language}`;
    write(`${dir}/train/text_files/c1.txt`, spanish);
    write(
      `${dir}/train/text_files_en/c1.txt`,
      'Man with atrial fibrillation and a much longer English text.',
    );
    const labels = write(
      `${dir}/train/trainX.tsv`,
      'c1\tDIAGNOSTICO\ti48.0\tfibrilación auricular\t10 31\nc1\tDIAGNOSTICO\ti10\tauricular.\t23 32;30 40\n',
    );
    const error = await failure(() =>
      drain(loadCodiesp(join(root, dir), { split: 'train', track: 'X', language })),
    );
    expect([error.file, error.line]).toEqual([labels, 2]);
    expect(error.message).toContain('the span 30 40 of I10 ends past the Spanish text (32 characters)');
  });

  it('an offset ending exactly at the end is fine', async () => {
    write('x-ok/train/text_files/c1.txt', spanish);
    write('x-ok/train/text_files_en/c1.txt', 'Man.');
    write('x-ok/train/trainX.tsv', 'c1\tDIAGNOSTICO\ti48.0\tauricular.\t22 32\n');
    const notes: ClinicalNote[] = [];
    for await (const note of loadCodiesp(join(root, 'x-ok'), { split: 'train', track: 'X' }))
      notes.push(note);
    expect(notes[0]!.evidence).toEqual([
      { code: 'I48.0', kind: 'diagnosis', text: 'auricular.', spans: [{ start: 22, end: 32 }] },
    ]);
    expect(spanish.slice(22, 32)).toBe('auricular.');
  });
});

describe('a CSV header that names a column twice is refused', () => {
  it('loadCsv and loadCamlMimic', async () => {
    const csv = write('dup.csv', 'id,text,codes,text\nn1,a,I10,b\n');
    const error = await failure(() => drain(loadCsv(csv)));
    expect([error.file, error.line]).toEqual([csv, 1]);
    expect(error.message).toContain("names the column 'text' twice");
    write('caml-dup/dev_full.csv', 'SUBJECT_ID,HADM_ID,TEXT,LABELS,TEXT\n1,2,a,401.9,b\n');
    expect((await failure(() => drain(loadCamlMimic(join(root, 'caml-dup'), { split: 'dev' })))).line).toBe(
      1,
    );
  });
});
