import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasIcd10cm, icd10cmDir } from '../../test/shared-dir.js';
import { icd10Chapter } from './icd10-chapters.js';
import { MDR_BERT_CODES } from './mdr-bert-codes.js';
import { icd10Category, normalizeIcd10Code } from './normalize-icd10-code.js';

describe('MDR_BERT_CODES', () => {
  it('lists the 13 codes, names and abbreviations of the study (Zhuang et al. 2025, Table 1)', () => {
    expect(
      MDR_BERT_CODES.map(({ code, name, abbreviation }) => `${code}\t${name} (${abbreviation})`),
    ).toEqual([
      'I48.0\tAtrial fibrillation (AF)',
      'I21.9\tAcute myocardial infarction (AMI)',
      'I33.0\tInfective endocarditis (IE)',
      'I50.1\tAcute left heart failure (ALHF)',
      'I20.9\tAcute coronary syndrome (ACS)',
      'I71.0\tAcute aortic dissection (AAD)',
      'I10.1\tHypertensive emergency (HE)',
      'I26.0\tAcute pulmonary embolism (APE)',
      'I51.4\tAcute myocarditis (AM)',
      'I47.2\tVentricular tachycardia (VT)',
      'R57.0\tCardiogenic shock (CS)',
      'I50.2\tAcute heart failure (AHF)',
      'I44.2\tThird-degree atrioventricular block (TAB)',
    ]);
  });

  it('has normalised codes in chapters 9 and 18', () => {
    for (const { code } of MDR_BERT_CODES) expect(normalizeIcd10Code(code)).toBe(code);
    expect(MDR_BERT_CODES.map(({ code }) => icd10Chapter(code).chapter)).toEqual([
      9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 18, 9, 9,
    ]);
  });

  it('flags I10.1 as absent from ICD-10-CM and points to I16.1', () => {
    const hypertensiveEmergency = MDR_BERT_CODES.find(({ code }) => code === 'I10.1')!;
    expect(hypertensiveEmergency.icd10Cm.title).toBeNull();
    expect(hypertensiveEmergency.icd10Cm.note).toContain('I16.1');
  });

  it.skipIf(!hasIcd10cm)(
    'every category exists in the CDC categories file (I10, I16 and I40 included)',
    () => {
      const categories = new Set(
        readFileSync(join(icd10cmDir, 'icd10cm-categories-April-1-2026.csv'), 'utf8')
          .split('\n')
          .map((line) => line.split(',')[0]),
      );
      for (const { code } of MDR_BERT_CODES) expect(categories.has(icd10Category(code))).toBe(true);
      // The ICD-10-CM homes the notes point to exist too: I16 (hypertensive crisis), I40 (acute myocarditis), I24.
      for (const category of ['I16', 'I40', 'I24']) expect(categories.has(category)).toBe(true);
    },
  );
});
