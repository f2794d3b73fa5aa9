import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { abbreviationTerms, icd10CmTerms } from './icd10cm-terms.js';
import { learnTerms } from './learn-terms.js';

describe('icd10CmTerms', () => {
  const codes = [
    {
      code: 'I48.19',
      longDescription: 'Other persistent atrial fibrillation',
      inclusionTerms: ['Chronic persistent atrial fibrillation', 'Persistent atrial fibrillation, NOS'],
    },
    { code: 'I48.20', longDescription: 'Chronic atrial fibrillation, unspecified' },
    { code: 'I48.91', longDescription: 'Unspecified atrial fibrillation' },
    { code: 'A41.9', longDescription: 'Sepsis, unspecified organism' },
    { code: 'J45.909', longDescription: 'Unspecified asthma, uncomplicated' },
    { code: 'Z99.9', longDescription: 'Other' },
  ];

  it('takes descriptions, head phrases, inclusion terms and qualifier-free forms; shared phrases split their weight', () => {
    const terms = icd10CmTerms(codes);
    const of = (code: string) =>
      terms.filter((t) => t.code === code).map((t) => [t.term, t.source, t.weight]);
    expect(of('I48.19')).toEqual([
      ['Other persistent atrial fibrillation', 'description', 1],
      // 'persistent atrial fibrillation' comes from the description and from the inclusion term: I48.19 only.
      ['persistent atrial fibrillation', 'description', 1],
      ['Chronic persistent atrial fibrillation', 'inclusion', 1],
    ]);
    expect(of('I48.20')).toEqual([
      ['Chronic atrial fibrillation, unspecified', 'description', 1],
      ['Chronic atrial fibrillation', 'head', 1],
    ]);
    expect(of('I48.91')).toEqual([
      ['Unspecified atrial fibrillation', 'description', 1],
      ['atrial fibrillation', 'description', 1],
    ]);
    expect(of('A41.9').map((t) => t[0])).toEqual(['Sepsis, unspecified organism', 'Sepsis']);
    expect(of('J45.909').map((t) => t[0])).toEqual([
      'Unspecified asthma, uncomplicated',
      'asthma, uncomplicated',
      'Unspecified asthma',
      'asthma',
    ]);
    // "Other" alone is a stop word: no term.
    expect(of('Z99.9')).toEqual([]);
  });

  it('weighs a phrase shared by two codes 1/2 for each, and can leave heads and inclusions out', () => {
    const terms = icd10CmTerms([
      { code: 'A', longDescription: 'Anemia, first' },
      { code: 'B', longDescription: 'Anemia, second' },
    ]);
    expect(terms.filter((t) => t.term === 'Anemia').map((t) => [t.code, t.weight])).toEqual([
      ['A', 0.5],
      ['B', 0.5],
    ]);
    const bare = icd10CmTerms(codes, { headPhrases: false, inclusionTerms: false, stripQualifiers: false });
    expect(bare.map((t) => t.term)).toEqual([
      'Other persistent atrial fibrillation',
      'Chronic atrial fibrillation, unspecified',
      'Unspecified atrial fibrillation',
      'Sepsis, unspecified organism',
      'Unspecified asthma, uncomplicated',
    ]);
    expect(() => icd10CmTerms([{ code: 'A' } as never])).toThrow(InvalidArgumentError);
  });
});

describe('abbreviationTerms', () => {
  it('keeps names case-insensitive and abbreviations case-sensitive', () => {
    expect(
      abbreviationTerms([
        {
          code: 'i48.0',
          name: 'Atrial fibrillation',
          abbreviation: 'AF',
          synonyms: ['auricular fibrillation'],
        },
      ]),
    ).toEqual([
      { code: 'I48.0', term: 'Atrial fibrillation', weight: 1, source: 'name' },
      { code: 'I48.0', term: 'AF', weight: 1, source: 'abbreviation', caseSensitive: true },
      { code: 'I48.0', term: 'auricular fibrillation', weight: 1, source: 'synonym' },
    ]);
  });
});

describe('learnTerms', () => {
  it('counts normalised expressions per code and weighs them by P(code | expression)', () => {
    const terms = learnTerms([
      { code: 'r50.9', text: 'Fiebre' },
      { code: 'R50.9', text: 'fiebre.' },
      { code: 'R50.81', text: 'FIEBRE' },
      { code: 'I50.9', text: 'insuficiencia cardíaca' },
      { code: 'I50.9', text: 'Insuficiencia cardiaca' },
      { code: 'X', text: '...' },
    ]);
    expect(terms).toEqual([
      { code: 'R50.9', term: 'Fiebre', count: 2, weight: 2 / 3, source: 'learned' },
      { code: 'R50.81', term: 'FIEBRE', count: 1, weight: 1 / 3, source: 'learned' },
      { code: 'I50.9', term: 'insuficiencia cardíaca', count: 2, weight: 1, source: 'learned' },
    ]);
    expect(learnTerms([{ code: 'A', text: 'x' }], { minCount: 2 })).toEqual([]);
    expect(() => learnTerms([], { minCount: 0 })).toThrow(InvalidArgumentError);
  });
});
