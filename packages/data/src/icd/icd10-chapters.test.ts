import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { hasIcd10cm, icd10cmDir, warnIfMissing } from '../../test/shared-dir.js';
import { parseCsvText } from '../io/parse-csv.js';
import { ICD10_CHAPTERS, icd10Chapter } from './icd10-chapters.js';

describe('icd10Chapter', () => {
  it('has the 22 chapters', () => {
    expect(ICD10_CHAPTERS).toHaveLength(22);
    expect(ICD10_CHAPTERS[8]).toEqual({
      chapter: 9,
      first: 'I00',
      last: 'I99',
      title: 'Diseases of the circulatory system',
    });
  });

  it.each([
    ['I48.0', 9],
    ['R57.0', 18],
    ['D50.9', 3],
    ['D49.9', 2],
    ['H60.0', 8],
    ['H59.8', 7],
    ['O9A.2', 15],
    ['U07.1', 22],
    ['Z99.2', 21],
    ['S72.001A', 19],
    ['V43.5', 20],
  ])('%s is in chapter %i', (code, chapter) => {
    expect(icd10Chapter(code).chapter).toBe(chapter);
  });

  it('reports a category outside every chapter', () => {
    expect(() => icd10Chapter('U99')).toThrow(DataFormatError);
  });

  warnIfMissing(hasIcd10cm, 'ICD-10-CM tables', icd10cmDir);
  it.skipIf(!hasIcd10cm)('agrees with the chapter column of all 1,918 CDC categories', () => {
    const file = join(icd10cmDir, 'icd10cm-categories-April-1-2026.csv');
    const records = parseCsvText(readFileSync(file, 'utf8'), file).slice(1);
    expect(records).toHaveLength(1918); // wc -l icd10cm-categories-April-1-2026.csv → 1919 (with header)
    for (const { fields } of records)
      expect([fields[0], icd10Chapter(fields[0]!).chapter]).toEqual([fields[0], Number(fields[3])]);
  });

  it.skipIf(!hasIcd10cm)('has the titles and ranges of the CDC chapters file', () => {
    const file = join(icd10cmDir, 'icd10cm-chapters-April-1-2026.csv');
    const records = parseCsvText(readFileSync(file, 'utf8'), file).slice(1);
    expect(records.map(({ fields }) => fields[1])).toEqual(
      ICD10_CHAPTERS.map((chapter) => `${chapter.title} (${chapter.first}-${chapter.last})`),
    );
  });
});
