import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../../test/shared-dir.js';
import { useTempDirs } from '../../test/temp-dirs.js';
import { loadCamlMimic, loadCamlTopCodes } from './load-caml-mimic.js';

const tempDir = useTempDirs();

// fixtures/caml is written by scripts/make-caml-fixture.py in CAML's layout (invented texts, no MIMIC data).
const dir = join(packageDir, 'fixtures', 'caml');
async function collect(notes: AsyncIterable<ClinicalNote>): Promise<ClinicalNote[]> {
  const result: ClinicalNote[] = [];
  for await (const note of notes) result.push(note);
  return result;
}

describe('loadCamlMimic', () => {
  it('reads SUBJECT_ID,HADM_ID,TEXT,LABELS with ;-separated ICD-9 codes and quoted multiline text', async () => {
    const notes = await collect(loadCamlMimic(dir, { split: 'train', labelSet: '50' }));
    expect(notes.map((note) => [note.id, note.codes])).toEqual([
      ['200001', ['414.01', '401.9', '36.15', '39.61']],
      ['200002', ['428.0', '427.31', '584.9']],
      ['200003', ['038.9', '995.92', 'V45.81']],
      ['200004', []],
    ]);
    expect(notes[1]!.text).toBe(
      'chief complaint dyspnea\nhistory of present illness, "fluid overload" in chf patient',
    );
    expect(notes[0]!.metadata).toMatchObject({ subjectId: '1001', hadmId: '200001', labelSet: '50' });
  });

  it('reports a malformed code with file and line', async () => {
    const error = await collect(loadCamlMimic(dir, { split: 'dev', labelSet: '50' })).catch(
      (caught: unknown) => caught,
    );
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: join(dir, 'dev_50.csv'), line: 3 });
    expect((error as Error).message).toContain('"ABC"');
  });

  it.each([
    ['SUBJECT_ID,HADM_ID,TEXT\n1,2,x\n', 1, 'expected the CAML header'],
    ['SUBJECT_ID,HADM_ID,TEXT,LABELS,length\n1,2,x,401.9,1\n1,3,x,401.9\n', 3, 'expected 5 fields'],
    ['SUBJECT_ID,HADM_ID,TEXT,LABELS,length\n1,2,x, y,401.9,1\n', 2, 'expected 5 fields'],
    ['SUBJECT_ID,HADM_ID,TEXT,LABELS,length\n1,2,x,401.9,1\nA7,3,x,401.9,1\n', 3, 'must be integers'],
  ])('reports a malformed row with file and line (%#)', async (text, line, message) => {
    const tinyDir = tempDir('icd-caml-');
    const file = join(tinyDir, 'test_full.csv');
    writeFileSync(file, text);
    const error = await collect(loadCamlMimic(tinyDir, { split: 'test' })).catch((caught: unknown) => caught);
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file, line });
    expect((error as Error).message).toContain(message);
  });

  it('reports an empty file', async () => {
    const tinyDir = tempDir('icd-caml-');
    writeFileSync(join(tinyDir, 'test_full.csv'), '');
    await expect(collect(loadCamlMimic(tinyDir, { split: 'test' }))).rejects.toThrow('no header row');
  });

  it('reads TOP_50_CODES.csv in file order', async () => {
    expect(await loadCamlTopCodes(dir)).toEqual(['401.9', '38.93', '428.0', '427.31', '414.01']);
  });

  it('validates options', async () => {
    await expect(collect(loadCamlMimic(dir, { split: 'validation' as 'dev' }))).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
