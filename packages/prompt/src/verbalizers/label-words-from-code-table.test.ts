import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { labelWordsFromCodeTable } from './label-words-from-code-table.js';

// Entries as the ICD-10-CM FY2021 files give them (order file descriptions, tabular inclusion terms).
const entries = new Map([
  [
    'I48.19',
    {
      shortDescription: 'Other persistent atrial fibrillation',
      longDescription: 'Other persistent atrial fibrillation',
      inclusionTerms: ['Chronic persistent atrial fibrillation', 'Persistent atrial fibrillation, NOS'],
    },
  ],
  [
    'I10',
    {
      shortDescription: 'Essential (primary) hypertension',
      longDescription: 'Essential (primary) hypertension',
      inclusionTerms: [
        'High blood pressure',
        'Hypertension (arterial) (benign) (essential) (malignant) (primary) (systemic)',
      ],
    },
  ],
]);
const table = { get: (code: string) => entries.get(code) };

describe('labelWordsFromCodeTable', () => {
  it('takes the description first, then inclusion terms and user words, lower-cased, without duplicates', () => {
    expect(
      labelWordsFromCodeTable(table, ['I48.19', 'I10'], { extra: { I10: ['HTN', 'high blood pressure'] } }),
    ).toEqual({
      'I48.19': [
        'other persistent atrial fibrillation',
        'chronic persistent atrial fibrillation',
        'persistent atrial fibrillation, nos',
      ],
      I10: [
        'essential (primary) hypertension',
        'high blood pressure',
        'hypertension (arterial) (benign) (essential) (malignant) (primary) (systemic)',
        'htn',
      ],
    });
    expect(
      labelWordsFromCodeTable(table, ['I10'], {
        fields: ['shortDescription'],
        lowercase: false,
        maxWords: 1,
      }),
    ).toEqual({
      I10: ['Essential (primary) hypertension'],
    });
  });

  it('names a code the table does not have', () => {
    expect(() => labelWordsFromCodeTable(table, ['I10', 'X99'])).toThrow(/"X99"/);
    expect(() => labelWordsFromCodeTable(table, [])).toThrow(/non-empty/);
  });

  it('refuses extra words for a code outside `codes` (a typo would be dropped silently) and non-string words', () => {
    expect(() => labelWordsFromCodeTable(table, ['I10'], { extra: { I1O: ['htn'] } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => labelWordsFromCodeTable(table, ['I10'], { extra: { I1O: ['htn'] } })).toThrow(/"I1O"/);
    expect(() =>
      labelWordsFromCodeTable(table, ['I10'], { extra: { I10: 'htn' as unknown as string[] } }),
    ).toThrow(InvalidArgumentError);
    expect(labelWordsFromCodeTable(table, ['I10'], { extra: { I10: ['HTN'] } }).I10).toContain('htn');
  });
});
