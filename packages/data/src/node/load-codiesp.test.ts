import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { codiespDir, hasCodiesp, warnIfMissing } from '../../test/shared-dir.js';
import { useTempDirs } from '../../test/temp-dirs.js';
import { LabelSpace } from '../labels/label-space.js';
import { loadCodiesp } from './load-codiesp.js';

const tempDir = useTempDirs();

async function collect(notes: AsyncIterable<ClinicalNote>): Promise<ClinicalNote[]> {
  const result: ClinicalNote[] = [];
  for await (const note of notes) result.push(note);
  return result;
}
const distinct = (notes: ClinicalNote[]) => new Set(notes.flatMap((note) => note.codes)).size;
const rows = (notes: ClinicalNote[]) => notes.reduce((sum, note) => sum + note.codes.length, 0);

/** A two-case corpus in CodiEsp's layout, written to a temporary folder. */
function tinyCorpus(files: Record<string, string>): string {
  const root = tempDir('icd-codiesp-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('loadCodiesp on a tiny corpus', () => {
  const base = {
    'train/text_files/c1.txt': 'Varón con fibrilación auricular.',
    'train/text_files/c2.txt': 'Mujer con dolor torácico.',
    'train/text_files_en/c1.txt': 'Man with atrial fibrillation.',
    'train/text_files_en/c2.txt': 'Woman with chest pain.',
  };

  it('reads D codes, normalised, and X evidence with multi-span offsets into the Spanish text', async () => {
    const root = tinyCorpus({
      ...base,
      'train/trainD.tsv': 'c1\ti48.0\nc1\ti10\nc2\tr07.9\n',
      'train/trainX.tsv':
        'c1\tDIAGNOSTICO\ti48.0\tfibrilación auricular\t10 31\nc2\tPROCEDIMIENTO\tbw03zzz\tMujer dolor\t0 5;10 15\n',
    });
    const d = await collect(loadCodiesp(root, { split: 'train', track: 'D' }));
    expect(d.map((note) => [note.id, note.codes, note.text])).toEqual([
      ['c1', ['I48.0', 'I10'], 'Man with atrial fibrillation.'],
      ['c2', ['R07.9'], 'Woman with chest pain.'],
    ]);
    const x = await collect(loadCodiesp(root, { split: 'train', track: 'X', language: 'es' }));
    expect(x[1]!.codes).toEqual(['BW03ZZZ']);
    expect(x[1]!.evidence).toEqual([
      {
        code: 'BW03ZZZ',
        kind: 'procedure',
        text: 'Mujer dolor',
        spans: [
          { start: 0, end: 5 },
          { start: 10, end: 15 },
        ],
      },
    ]);
    const span = x[0]!.evidence![0]!.spans[0]!;
    expect(x[0]!.text.slice(span.start, span.end)).toBe('fibrilación auricular');
  });

  it.each([
    ['train/trainD.tsv', 'c1\tI48.0\nc2\n', 'D', 2, 'expected 2 tab-separated fields'],
    ['train/trainD.tsv', 'c1\tI48.0\nc2\tnot-a-code\n', 'D', 2, 'invalid diagnosis code "not-a-code"'],
    ['train/trainP.tsv', 'c1\t0210093\nc1\tI48.0\n', 'P', 2, 'invalid procedure code "I48.0"'],
    ['train/trainX.tsv', 'c1\tDIAGNOSTICO\ti48.0\tfa\t10-31\n', 'X', 1, 'expected offsets'],
    ['train/trainX.tsv', 'c1\tOTRO\ti48.0\tfa\t10 31\n', 'X', 1, 'DIAGNOSTICO or PROCEDIMIENTO'],
  ] as const)('reports a malformed row of %s with its line', async (path, text, track, line, message) => {
    const root = tinyCorpus({ ...base, [path]: text });
    const error = await collect(loadCodiesp(root, { split: 'train', track })).catch(
      (caught: unknown) => caught,
    );
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: join(root, path), line });
    expect((error as Error).message).toContain(message);
  });

  it('reports labels of a case without a text file, and a missing label file', async () => {
    const orphan = tinyCorpus({ ...base, 'train/trainD.tsv': 'c3\tI10\n' });
    await expect(collect(loadCodiesp(orphan, { split: 'train' }))).rejects.toThrow(
      'case c3 has labels but no',
    );
    const unlabelled = tinyCorpus(base);
    await expect(collect(loadCodiesp(unlabelled, { split: 'train' }))).rejects.toThrow(
      'labels for track D not found',
    );
  });

  it('validates options', async () => {
    await expect(collect(loadCodiesp('x', { split: 'valid' as 'dev' }))).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(collect(loadCodiesp('x', { split: 'dev', language: 'fr' as 'en' }))).rejects.toThrow(
      `Argument 'language' passed to 'loadCodiesp' must be one of "en", "es", got "fr"`,
    );
  });
});

warnIfMissing(hasCodiesp, 'CodiEsp', codiespDir);
describe.skipIf(!hasCodiesp)('loadCodiesp on ../shared/data/codiesp', () => {
  // Counts checked independently with coreutils in ../shared/data/codiesp:
  //   ls train/text_files_en | wc -l                 → 500      (dev: 250, test: 250, background: 2751)
  //   wc -l < train/trainD.tsv                       → 5639     (dev: 2677)   (case, code) rows, no duplicates
  //   cut -f2 train/trainD.tsv | sort -u | wc -l     → 1767     (dev: 1158)   distinct diagnosis codes
  //   wc -l < train/trainP.tsv                       → 1550     (dev: 817)
  //   cut -f2 train/trainP.tsv | sort -u | wc -l     → 563      (dev: 375)
  //   cut -f1 train/trainP.tsv | sort -u | wc -l     → 435      (dev: 222)    cases with a procedure
  //   wc -l < train/trainX.tsv                       → 9181     (dev: 4477)   evidence rows
  //   cut -f1,3 train/trainX.tsv | sort -u | wc -l   → 7189     (dev: 3494)   = D rows + P rows
  it.each([
    ['train', 500, 5639, 1767, 1550, 563, 435, 9181, 7189],
    ['dev', 250, 2677, 1158, 817, 375, 222, 4477, 3494],
  ] as const)(
    '%s: notes, D/P/X rows and distinct codes match the files',
    async (split, cases, dRows, dCodes, pRows, pCodes, pCases, xRows, xPairs) => {
      const d = await collect(loadCodiesp(codiespDir, { split, track: 'D' }));
      expect([d.length, rows(d), distinct(d)]).toEqual([cases, dRows, dCodes]);
      expect(d.every((note) => note.codes.every((code) => code === code.toUpperCase()))).toBe(true);
      const p = await collect(loadCodiesp(codiespDir, { split, track: 'P' }));
      expect([p.length, rows(p), distinct(p), p.filter((note) => note.codes.length > 0).length]).toEqual([
        cases,
        pRows,
        pCodes,
        pCases,
      ]);
      const x = await collect(loadCodiesp(codiespDir, { split, track: 'X', language: 'es' }));
      expect([rows(x), x.reduce((sum, note) => sum + (note.evidence?.length ?? 0), 0)]).toEqual([
        xPairs,
        xRows,
      ]);
    },
  );

  it('the first training case has the codes of trainD.tsv, in file order', async () => {
    // head -5 train/trainD.tsv: S0004-06142005000700014-1  n44.8 z20.818 r60.9 r52 a23.9 (then more rows)
    let found = false;
    for await (const note of loadCodiesp(codiespDir, { split: 'train' })) {
      if (note.id !== 'S0004-06142005000700014-1') continue;
      found = true;
      expect(note.codes.slice(0, 5)).toEqual(['N44.8', 'Z20.818', 'R60.9', 'R52', 'A23.9']);
      expect(note.text).toBe(
        readFileSync(join(codiespDir, 'train/text_files_en/S0004-06142005000700014-1.txt'), 'utf8'),
      );
    }
    expect(found).toBe(true);
  });

  it('X offsets cut the annotated evidence out of the Spanish text (all but 4 of 9,181 rows)', async () => {
    // The 4 exceptions differ by one character in the gold file itself ("R.T.U" vs "R.T.U.", "(IMC > 40 kg/m2");
    // a Python check over trainX.tsv finds the same 9,177 exact matches.
    let exact = 0;
    for await (const note of loadCodiesp(codiespDir, { split: 'train', track: 'X', language: 'es' })) {
      for (const evidence of note.evidence ?? []) {
        if (evidence.spans.map((span) => note.text.slice(span.start, span.end)).join(' ') === evidence.text)
          exact++;
      }
    }
    expect(exact).toBe(9177);
  });

  it('the 50 most frequent training diagnosis codes match a coreutils count (a CodiEsp-50 label space)', async () => {
    // LC_ALL=C cut -f2 train/trainD.tsv | sort | uniq -c | sort -k1,1nr -k2,2 | awk '{print NR, $0}'
    //   → 1: 112 r52, 2: 99 r69, 3: 97 r50.9, ..., 49: 16 r56.9, 50: 15 c64.9, 51: 15 c79.51
    const train = await collect(loadCodiesp(codiespDir, { split: 'train', track: 'D' }));
    const space = LabelSpace.fromNotes(train, { topK: 50 });
    expect(space.codes.slice(0, 3)).toEqual(['R52', 'R69', 'R50.9']);
    expect(Array.from(space.frequencies.slice(0, 3))).toEqual([112, 99, 97]);
    expect([space.codes[48], space.frequencies[48], space.codes[49], space.frequencies[49]]).toEqual([
      'R56.9',
      16,
      'C64.9',
      15,
    ]);
    const dev = await collect(loadCodiesp(codiespDir, { split: 'dev', track: 'D' }));
    // Dev rows whose code is outside that top 50, reported as unseen, not dropped:
    // (the 50 codes above) > top50.txt; awk -F'\t' 'NR==FNR{top[$1]=1;next} !($2 in top)' top50.txt dev/devD.tsv | wc -l → 1956
    const { unseen } = space.encodeBatch(dev);
    expect(unseen.length).toBe(1956);
  });

  it('unlabelled splits give notes with no codes', async () => {
    const test = await collect(loadCodiesp(codiespDir, { split: 'test' }));
    expect([test.length, rows(test)]).toEqual([250, 0]);
  });
});
