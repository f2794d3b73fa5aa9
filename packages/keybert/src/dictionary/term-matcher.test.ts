import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { TermMatcher } from './term-matcher.js';

// Hand-annotated sentences: which phrase is found, where, and whether it is negated or uncertain.
const terms = [
  { code: 'I48.91', term: 'atrial fibrillation' },
  { code: 'I48.0', term: 'paroxysmal atrial fibrillation' },
  { code: 'J18.9', term: 'pneumonia' },
  { code: 'R50.9', term: 'fiebre' },
  { code: 'I50.9', term: 'insuficiencia cardíaca' },
  { code: 'N44.8', term: 'teste derecho aumentado de tamaño' },
  { code: 'I21.4', term: 'NSTEMI', caseSensitive: true },
  { code: 'I16.1', term: 'HE', caseSensitive: true },
];
const matcher = new TermMatcher(terms);
const found = (text: string) =>
  matcher.match(text).map((m) => [m.text, m.entries.map((e) => e.code).join(','), m.negated, m.uncertain]);

describe('TermMatcher', () => {
  it('finds the longest phrase with original offsets, across case, accents and punctuation', () => {
    const text = 'Known PAROXYSMAL atrial-fibrillation; later Atrial Fibrillation.';
    const matches = matcher.match(text);
    expect(matches.map((m) => [m.start, m.end, m.text, m.entries[0]!.code])).toEqual([
      [6, 36, 'PAROXYSMAL atrial-fibrillation', 'I48.0'],
      [44, 63, 'Atrial Fibrillation', 'I48.91'],
    ]);
    expect(matcher.match(text, { overlap: 'all' }).map((m) => m.text)).toEqual([
      'PAROXYSMAL atrial-fibrillation',
      'atrial-fibrillation',
      'Atrial Fibrillation',
    ]);
    expect(found('Presenta insuficiencia cardiaca y teste derecho aumentado de tamano.')).toEqual([
      ['insuficiencia cardiaca', 'I50.9', false, false],
      ['teste derecho aumentado de tamano', 'N44.8', false, false],
    ]);
  });

  it('matches abbreviations only in their own case', () => {
    expect(found('He had an NSTEMI; HE ruled out.')).toEqual([
      ['NSTEMI', 'I21.4', false, false],
      ['HE', 'I16.1', true, false],
    ]);
    expect(found('nstemi')).toEqual([]);
  });

  it('marks English negation and uncertainty, scoped to the sentence', () => {
    expect(found('No evidence of pneumonia.')).toEqual([['pneumonia', 'J18.9', true, false]]);
    expect(found('Pneumonia was ruled out.')).toEqual([['Pneumonia', 'J18.9', true, false]]);
    expect(found('Negative for pneumonia. Atrial fibrillation.')).toEqual([
      ['pneumonia', 'J18.9', true, false],
      ['Atrial fibrillation', 'I48.91', false, false],
    ]);
    expect(found('r/o pneumonia')).toEqual([['pneumonia', 'J18.9', false, true]]);
    expect(found('Possible atrial fibrillation.')).toEqual([['atrial fibrillation', 'I48.91', false, true]]);
    expect(found('No fever but atrial fibrillation.')).toEqual([
      ['atrial fibrillation', 'I48.91', false, false],
    ]);
    // Beyond the 8-word scope the cue no longer reaches.
    expect(
      found('No chest pain, cough, dyspnoea, nausea, vomiting, syncope or palpitations; pneumonia.'),
    ).toEqual([['pneumonia', 'J18.9', false, false]]);
  });

  it('marks Spanish negation and uncertainty', () => {
    expect(found('Sin fiebre.')).toEqual([['fiebre', 'R50.9', true, false]]);
    expect(found('Fiebre descartada. Insuficiencia cardíaca.')).toEqual([
      ['Fiebre', 'R50.9', true, false],
      ['Insuficiencia cardíaca', 'I50.9', false, false],
    ]);
    expect(found('No se descarta insuficiencia cardiaca.')).toEqual([
      ['insuficiencia cardiaca', 'I50.9', false, true],
    ]);
    expect(found('Sospecha de neumonía o fiebre')).toEqual([['fiebre', 'R50.9', false, true]]);
    expect(found('Niega fiebre pero refiere insuficiencia cardiaca')).toEqual([
      ['fiebre', 'R50.9', true, false],
      ['insuficiencia cardiaca', 'I50.9', false, false],
    ]);
  });

  it('never matches across sentences, and checks its input', () => {
    expect(found('Atrial. Fibrillation')).toEqual([]);
    expect(new TermMatcher(terms, { cues: [] }).match('Sin fiebre')[0]!.negated).toBe(false);
    expect(() => matcher.match(3 as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => new TermMatcher([{ code: 'X' } as never])).toThrow(InvalidArgumentError);
    expect(() => new TermMatcher(terms, { maxScopeWords: 0 })).toThrow(InvalidArgumentError);
  });
});
