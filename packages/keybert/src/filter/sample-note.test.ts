import { InvalidArgumentError } from '@icd/core';
import { MockTokenizer } from '@icd/core/test';
import { describe, expect, it } from 'vitest';
import { sampleNote } from './sample-note.js';
import { detectSections, splitParagraphs } from './sections.js';

const knowledge = [
  { code: 'I48.91', term: 'atrial fibrillation' },
  { code: 'I10', term: 'hypertension' },
  { code: 'R50.9', term: 'fever' },
];

const note = [
  'Social history: lives alone with a cat and two dogs.',
  'History of present illness: fever and atrial fibrillation since Monday.',
  'Palpitations at rest.',
  'Past medical history: hypertension for years, treated with several drugs.',
  'Plan: follow up.',
].join('\n');

describe('detectSections and splitParagraphs', () => {
  it('finds header lines and the paragraphs inside', () => {
    const sections = detectSections(note);
    expect(sections.map((s) => s.title)).toEqual([
      'Social history',
      'History of present illness',
      'Past medical history',
      'Plan',
    ]);
    expect(note.slice(sections[1]!.start, sections[1]!.end)).toBe(
      'History of present illness: fever and atrial fibrillation since Monday.\nPalpitations at rest.',
    );
    expect(splitParagraphs('A b.\n\nC d.\nE f.')).toEqual([
      { start: 0, end: 4 },
      { start: 6, end: 15 },
    ]);
    expect(detectSections('no headers here.\nnone at all')).toEqual([]);
  });
});

describe('sampleNote', () => {
  it('counts the separator against the budget and cuts the best paragraph when nothing fits', () => {
    // MockTokenizer: one token per word or punctuation mark; ' | ' is one token ('|').
    const tokenizer = new MockTokenizer(['fever']);
    const count = (text: string) => tokenizer.encode(text, null, { addSpecialTokens: false }).ids.length;
    // HPI paragraph "History ... Monday." 12 tokens (10 words, ':' and '.'), then "Palpitations at rest." 4.
    const whole = sampleNote(note, knowledge, { budget: 16, tokenizer, maxSections: 1 });
    expect(whole.text.split('\n')).toEqual([
      'History of present illness: fever and atrial fibrillation since Monday.',
      'Palpitations at rest.',
    ]);
    const separated = sampleNote(note, knowledge, {
      budget: 16,
      tokenizer,
      maxSections: 1,
      separator: ' | ',
    });
    expect(separated.text).toBe('History of present illness: fever and atrial fibrillation since Monday.');
    expect(count(separated.text)).toBeLessThanOrEqual(16);
    const tiny = sampleNote(note, knowledge, { budget: 3, tokenizer, maxSections: 1 });
    expect(tiny.text).toBe('History of present');
    expect(note.slice(tiny.spans[0]!.start, tiny.spans[0]!.end)).toBe(tiny.text);
    expect(tiny.tokens).toBe(3);
  });

  it('picks sections by knowledge words N_T, orders them by p_T = N_T/|T| (eqs. 10-11), then paragraphs', () => {
    const sampled = sampleNote(note, knowledge, { budget: 100, maxSections: 2 });
    // Words (|T|) and knowledge words (N_T): social 10/0, HPI 13/3 (fever, atrial, fibrillation),
    // PMH 10/1 (hypertension), plan 3/0.
    expect(sampled.sections.map((s) => [s.words, s.knowledgeWords, s.picked])).toEqual([
      [10, 0, false],
      [13, 3, true],
      [10, 1, true],
      [3, 0, false],
    ]);
    expect(sampled.sections[1]!.ratio).toBeCloseTo(3 / 13, 12);
    // HPI (p = 3/13) before PMH (1/10); inside HPI the knowledge paragraph before "Palpitations at rest."
    expect(sampled.text.split('\n')).toEqual([
      'History of present illness: fever and atrial fibrillation since Monday.',
      'Palpitations at rest.',
      'Past medical history: hypertension for years, treated with several drugs.',
    ]);
    expect(sampled.spans[0]!.start).toBe(note.indexOf('History of present'));
  });

  it('keeps only what fits the budget and can fill with the rest', () => {
    // 12 words: the HPI paragraph (10) fits; "Palpitations at rest." (3) and PMH (10) do not.
    const sampled = sampleNote(note, knowledge, { budget: 12 });
    expect(sampled.text).toBe('History of present illness: fever and atrial fibrillation since Monday.');
    expect(sampled.tokens).toBe(10);
    const filled = sampleNote(note, knowledge, { budget: 100, maxSections: 1, fill: true });
    expect(filled.text.split('\n')[0]).toContain('History of present illness');
    expect(filled.spans).toHaveLength(5);
  });

  it('cuts an unheaded case report into pseudo-sections of paragraphs of at most budget/3', () => {
    const report = [
      'Varón de 70 años.',
      'Presenta fiebre alta y tos.',
      'Vive solo en el campo.',
      'Sin otros datos.',
    ].join('\n');
    const sampled = sampleNote(report, [{ code: 'R50.9', term: 'fiebre' }], { budget: 9 });
    // budget/3 = 3 words per pseudo-section → one paragraph each; only the fever paragraph has knowledge.
    expect(sampled.sections).toHaveLength(4);
    expect(sampled.sections.filter((s) => s.picked)).toHaveLength(1);
    expect(sampled.text).toBe('Presenta fiebre alta y tos.');
  });

  it('keeps the sentences that fit of a paragraph too long for the budget', () => {
    const report = 'Fiebre alta desde ayer. Tos seca y dolor de espalda intenso desde hace varios días.';
    const sampled = sampleNote(report, [{ code: 'R50.9', term: 'fiebre' }], { budget: 6 });
    expect(sampled.text).toBe('Fiebre alta desde ayer.');
    expect(sampled.spans).toEqual([{ start: 0, end: 23 }]);
  });

  it('rejects a bad budget', () => {
    expect(() => sampleNote(note, knowledge, { budget: -1 })).toThrow(InvalidArgumentError);
  });
});
