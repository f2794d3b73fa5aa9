import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { evidenceSentenceScores } from './evidence-sentence-scores.js';
import { sentenceSpans } from './sentence-spans.js';

const slices = (text: string) => sentenceSpans(text).map((span) => text.slice(span.start, span.end));

describe('sentenceSpans', () => {
  it('splits at line breaks and at sentence-final punctuation before a non-lower-case word', () => {
    expect(sentenceSpans('Fiebre alta. Tos seca.\nSin disnea.')).toEqual([
      { start: 0, end: 12 },
      { start: 13, end: 22 },
      { start: 23, end: 34 },
    ]);
    // "2.5" has no space after the dot; "p. ej. la" is followed by lower case: one sentence.
    expect(sentenceSpans('Dosis 2.5 mg p. ej. la tarde. Control.')).toEqual([
      { start: 0, end: 29 },
      { start: 30, end: 38 },
    ]);
    expect(slices('¿Dolor? Sí. Dijo "basta." Luego calló… Fin')).toEqual([
      '¿Dolor?',
      'Sí.',
      'Dijo "basta."',
      'Luego calló…',
      'Fin',
    ]);
  });

  it('trims whitespace, drops empty sentences and keeps two spaces before lower case together', () => {
    expect(sentenceSpans('  Leading spaces.  \r\n\r\nNext!')).toEqual([
      { start: 2, end: 17 },
      { start: 23, end: 28 },
    ]);
    expect(slices('Fin.  la frase sigue. Otra.')).toEqual(['Fin.  la frase sigue.', 'Otra.']);
    expect(sentenceSpans('')).toEqual([]);
    expect(sentenceSpans(' \n ')).toEqual([]);
    expect(() => sentenceSpans(3 as unknown as string)).toThrow(InvalidArgumentError);
  });
});

describe('evidenceSentenceScores', () => {
  // d1: four sentences with one-character gaps; d2: two.
  const sentences = new Map([
    [
      'd1',
      [
        { start: 0, end: 10 },
        { start: 11, end: 20 },
        { start: 21, end: 30 },
        { start: 31, end: 40 },
      ],
    ],
    [
      'd2',
      [
        { start: 0, end: 5 },
        { start: 6, end: 12 },
      ],
    ],
  ]);
  const gold = [
    { documentId: 'd1', code: 'A01', spans: [{ start: 12, end: 15 }] }, // sentence 1
    { documentId: 'd1', code: 'a01', spans: [{ start: 33, end: 35 }] }, // same code: G = {1, 3}
    { documentId: 'd1', code: 'B02', spans: [{ start: 0, end: 3 }] }, // G = {0}, never predicted
    { documentId: 'd2', code: 'A01', spans: [{ start: 6, end: 8 }] }, // G = {1}
    { documentId: 'd2', code: 'C03', spans: [{ start: 5, end: 6 }] }, // the gap: no sentence, not scored
  ];
  const predicted = [
    // P = {0} ∪ {1, 2}; P ∩ G = {1}
    {
      documentId: 'd1',
      code: 'A01',
      spans: [
        { start: 2, end: 4 },
        { start: 14, end: 25 },
      ],
    },
    { documentId: 'd2', code: 'A01', spans: [{ start: 10, end: 10 }] }, // empty span in sentence 1: P ∩ G = {1}
    { documentId: 'd2', code: 'Z99', spans: [{ start: 0, end: 5 }] }, // wrong code: not scored
    { documentId: 'd2', code: 'C03', spans: [{ start: 0, end: 2 }] },
    { documentId: 'd3', code: 'A01', spans: [{ start: 0, end: 2 }] }, // no gold document: not scored
  ];

  it('scores the matched pairs: hand-computed micro and macro figures', () => {
    const scores = evidenceSentenceScores(gold, predicted, sentences);
    // Pairs d1/A01 (|P| 3, |G| 2, 1 shared) and d2/A01 (1, 1, 1).
    expect(scores.pairs).toBe(2);
    expect(scores.truePositives).toBe(2);
    expect(scores.predictedSentences).toBe(4);
    expect(scores.goldSentences).toBe(3);
    expect(scores.precision).toBeCloseTo(2 / 4, 12);
    expect(scores.recall).toBeCloseTo(2 / 3, 12);
    expect(scores.f1).toBeCloseTo(4 / 7, 12);
    expect(scores.macroPrecision).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(scores.macroRecall).toBeCloseTo((1 / 2 + 1) / 2, 12);
  });

  it("with pairs 'gold', a gold code without a prediction costs recall", () => {
    const scores = evidenceSentenceScores(gold, predicted, sentences, { pairs: 'gold' });
    expect(scores.pairs).toBe(3);
    expect(scores.goldSentences).toBe(4);
    expect(scores.precision).toBeCloseTo(0.5, 12);
    expect(scores.recall).toBeCloseTo(0.5, 12);
    expect(scores.f1).toBeCloseTo(0.5, 12);
    expect(scores.macroPrecision).toBeCloseTo((1 / 3 + 1 + 0) / 3, 12);
    expect(scores.macroRecall).toBeCloseTo((1 / 2 + 1 + 0) / 3, 12);
    const lenient = evidenceSentenceScores(gold, predicted, sentences, { pairs: 'gold', zeroDivision: 1 });
    expect(lenient.macroPrecision).toBeCloseTo((1 / 3 + 1 + 1) / 3, 12);
  });

  it('counts a span for every sentence it overlaps and none for the gaps', () => {
    const one = (spans: { start: number; end: number }[]) =>
      evidenceSentenceScores(
        [
          {
            documentId: 'd1',
            code: 'X',
            spans: [
              { start: 0, end: 40 }, // G = all four sentences
            ],
          },
        ],
        [{ documentId: 'd1', code: 'X', spans }],
        sentences,
      ).predictedSentences;
    expect(one([{ start: 10, end: 11 }])).toBe(0); // the gap between sentences 0 and 1
    expect(one([{ start: 9, end: 11 }])).toBe(1);
    expect(one([{ start: 19, end: 22 }])).toBe(2);
    expect(one([{ start: 20, end: 20 }])).toBe(0); // empty span in a gap
    expect(one([{ start: 0, end: 0 }])).toBe(1);
    expect(one([{ start: 39, end: 100 }])).toBe(1);
    expect(one([])).toBe(0);
  });

  it('holds the TSDoc example', () => {
    const example = evidenceSentenceScores(
      [{ documentId: 'd1', code: 'I10', spans: [{ start: 12, end: 15 }] }],
      [
        {
          documentId: 'd1',
          code: 'i10',
          spans: [
            { start: 2, end: 4 },
            { start: 14, end: 25 },
          ],
        },
      ],
      new Map([['d1', sentences.get('d1')!.slice(0, 3)]]),
    );
    expect(example.precision).toBeCloseTo(1 / 3, 12);
    expect(example.recall).toBe(1);
  });

  it('returns zeroDivision when nothing is scored', () => {
    const none = evidenceSentenceScores([], [], new Map());
    expect(none).toMatchObject({ precision: 0, recall: 0, f1: 0, pairs: 0 });
    expect(evidenceSentenceScores([], [], new Map(), { zeroDivision: Number.NaN }).precision).toBeNaN();
  });

  it('rejects bad input with InvalidArgumentError', () => {
    const bad = [
      () => evidenceSentenceScores(gold, predicted, {} as never),
      () => evidenceSentenceScores(gold, predicted, new Map()), // no sentences for d1
      () => evidenceSentenceScores('x' as never, predicted, sentences),
      () =>
        evidenceSentenceScores(
          [{ documentId: 'd1', code: 'A', spans: [{ start: 5, end: 2 }] }],
          [],
          sentences,
        ),
      () => evidenceSentenceScores([{ documentId: 'd1', code: 3 } as never], [], sentences),
      () => evidenceSentenceScores(gold, predicted, sentences, { pairs: 'all' as never }),
      () =>
        evidenceSentenceScores(
          gold.slice(0, 1),
          [],
          new Map([
            [
              'd1',
              [
                { start: 0, end: 10 },
                { start: 5, end: 12 },
              ],
            ],
          ]),
          { pairs: 'gold' },
        ),
    ];
    for (const call of bad) expect(call).toThrow(InvalidArgumentError);
  });
});
