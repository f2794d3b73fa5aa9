import { InvalidArgumentError } from '@icd/core';
import { MockEncoder, MockTokenizer } from '@icd/core/test';
import { describe, expect, it } from 'vitest';
import { cosineSimilarity } from '../keywords/similarity.js';
import { filterNote } from './filter-note.js';

const words = [
  'patient',
  'admitted',
  'with',
  'atrial',
  'fibrillation',
  'lives',
  'alone',
  'fever',
  'no',
  'pneumonia',
  'cat',
];
const tokenizer = new MockTokenizer(words);
const terms = [
  { code: 'I48.91', term: 'atrial fibrillation' },
  { code: 'R50.9', term: 'fever' },
  { code: 'J18.9', term: 'pneumonia' },
];
// Sentences (tokens): "Patient lives alone." 4 | "Admitted with atrial fibrillation." 5 | "Has a cat." 4 |
// "Fever." 2 | "No pneumonia." 3
const note = 'Patient lives alone. Admitted with atrial fibrillation. Has a cat. Fever. No pneumonia.';

describe('filterNote', () => {
  it('keeps the sentences with dictionary hits first, in original order, within the budget', async () => {
    const kept = await filterNote(note, { budget: 8, tokenizer, terms });
    // Scores: AF 1, fever 1, negated pneumonia 0.5, others 0. AF (5) + fever (2) = 7; pneumonia (3) no longer fits.
    expect(kept.sentences.map((s) => [s.score, s.tokens, s.kept])).toEqual([
      [0, 4, false],
      [1, 5, true],
      [0, 4, false],
      [1, 2, true],
      [0.5, 3, false],
    ]);
    expect(kept.text).toBe('Admitted with atrial fibrillation. Fever.');
    expect(kept.spans).toEqual([
      { start: 21, end: 55 },
      { start: 67, end: 73 },
    ]);
    expect(kept.tokens).toBe(7);
    expect(kept.keptStarts).toEqual([0, 35]);
    expect(kept.toOriginal(35)).toBe(67);
    // The end of a passage maps to its end; nothing past the kept text maps.
    expect(kept.toOriginal(34)).toBe(55);
    expect(kept.toOriginal(99)).toBeUndefined();
    expect(note.slice(kept.toOriginal(14)!, kept.toOriginal(33)!)).toBe('atrial fibrillation');
  });

  it('fills the rest of the budget with unscored sentences in note order', async () => {
    const kept = await filterNote(note, { budget: 14, tokenizer, terms });
    expect(kept.text).toBe('Patient lives alone. Admitted with atrial fibrillation. Fever. No pneumonia.');
  });

  it('scores sentences by the similarity of their contextual vector to the note vector', async () => {
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: tokenizer.vocabSize });
    const kept = await filterNote(note, { budget: 100, tokenizer, encoder });
    const vectorOf = (tokens: number[]) => {
      const mean = new Array<number>(8).fill(0);
      for (const token of tokens) {
        for (const [d, v] of encoder.tokenVector(token).entries()) mean[d]! += v / tokens.length;
      }
      return mean;
    };
    const all = tokenizer.encode(note, null, { addSpecialTokens: false }).ids;
    const document = vectorOf([...all]);
    const first = tokenizer.encode('Patient lives alone.', null, { addSpecialTokens: false }).ids;
    expect(kept.sentences[0]!.score).toBeCloseTo(cosineSimilarity(vectorOf([...first]), document), 6);
    expect(kept.text).toBe(note);
  });

  it('counts the separator against the budget: the joined text never has more tokens', async () => {
    // ' | ' is one token ('|' is punctuation). AF (5) + '|' (1) + fever (2) = 8; pneumonia would need 3 + 1 more.
    const kept = await filterNote(note, { budget: 8, tokenizer, terms, separator: ' | ' });
    expect(kept.text).toBe('Admitted with atrial fibrillation. | Fever.');
    expect(kept.tokens).toBe(8);
    expect(tokenizer.encode(kept.text, null, { addSpecialTokens: false }).ids.length).toBe(8);
    const tight = await filterNote(note, { budget: 7, tokenizer, terms, separator: ' | ' });
    expect(tight.text).toBe('Admitted with atrial fibrillation.');
  });

  it('keeps the first words of the best sentence when no sentence fits, and nothing of an empty note', async () => {
    const long = 'patient admitted with atrial fibrillation';
    const kept = await filterNote(long, { budget: 3, tokenizer, terms });
    expect(kept.text).toBe('patient admitted with');
    expect(kept.spans).toEqual([{ start: 0, end: 21 }]);
    expect(long.slice(kept.spans[0]!.start, kept.spans[0]!.end)).toBe(kept.text);
    expect(kept.tokens).toBe(3);
    const empty = await filterNote('', { budget: 3, tokenizer, terms });
    expect([empty.text, empty.spans, empty.tokens]).toEqual(['', [], 0]);
  });

  it('rejects a bad budget or tokenizer', async () => {
    await expect(filterNote(note, { budget: 0, tokenizer })).rejects.toThrow(InvalidArgumentError);
    await expect(filterNote(note, { budget: 5, tokenizer: {} as never })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
