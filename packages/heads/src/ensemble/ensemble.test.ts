import type { Coder, NotePrediction } from '@icd/core';
import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { ensemble, ensembleScores, mergePredictions, tuneEnsembleWeight } from './ensemble.js';

const code = (name: string, score: number) => ({
  code: name,
  score,
  threshold: 0.5,
  predicted: score >= 0.5,
  evidence: [],
});
const note = (id: string, ...codes: [string, number][]): NotePrediction => ({
  noteId: id,
  ranked: codes.map(([name, score]) => code(name, score)),
  evidenceSource: 'none',
});

describe('ensemble (eq. 5: Y = λ·A + (1 − λ)·B)', () => {
  it('mixes score matrices cell by cell', () => {
    const merged = ensembleScores(
      { data: [0.8, 0.2], rows: 1, cols: 2 },
      { data: [0.4, 0.6], rows: 1, cols: 2 },
      0.25,
    );
    expect([...merged.data]).toEqual([0.25 * 0.8 + 0.75 * 0.4, 0.25 * 0.2 + 0.75 * 0.6]);
    expect(() =>
      ensembleScores({ data: [1], rows: 1, cols: 1 }, { data: [1, 2], rows: 1, cols: 2 }, 0.5),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      ensembleScores({ data: [1], rows: 1, cols: 1 }, { data: [1], rows: 1, cols: 1 }, 1.5),
    ).toThrow(InvalidArgumentError);
  });

  it('refuses NaN or infinite scores and matrices whose rows × cols are not integers', () => {
    const one = { data: [0.5], rows: 1, cols: 1 };
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => ensembleScores({ data: [bad], rows: 1, cols: 1 }, one, 0.5)).toThrow(/a\.data\[0\]/);
      expect(() => ensembleScores(one, { data: [bad], rows: 1, cols: 1 }, 0.5)).toThrow(/b\.data\[0\]/);
      expect(() => mergePredictions([note('d', ['A', bad])], [note('d', ['A', 0.1])], 0.5)).toThrow(
        InvalidArgumentError,
      );
      expect(() =>
        mergePredictions([note('d', ['A', 0.1])], [note('d', ['B', 0.2], ['A', bad])], 0.5),
      ).toThrow(/b\[0\]\.ranked\[1\]\.score/);
    }
    // A code ranked twice by one side would be counted twice in the sum.
    expect(() => mergePredictions([note('d', ['A', 0.4], ['A', 0.3])], [note('d', ['A', 0.1])], 0.5)).toThrow(
      /a\[0\]\.ranked\[1\]\.code/,
    );
    // 0.5 × 4 = 2 values: the lengths agree, but there is no such matrix.
    const half = { data: [1, 2], rows: 0.5, cols: 4 };
    expect(() => ensembleScores(half, half, 0.5)).toThrow(InvalidArgumentError);
  });

  it('merges two rankings over the union of codes (a missing code counts 0)', () => {
    const [merged] = mergePredictions(
      [note('d', ['A', 0.9], ['B', 0.1])],
      [note('d', ['B', 0.8], ['C', 0.6])],
      0.5,
      {
        threshold: 0.4,
      },
    );
    expect(merged!.ranked.map((entry) => [entry.code, entry.score, entry.predicted])).toEqual([
      ['A', 0.45, true],
      ['B', 0.45, true],
      ['C', 0.3, false],
    ]);
    expect(() => mergePredictions([note('a')], [note('b')], 0.5)).toThrow(InvalidArgumentError);
  });

  it('tunes λ on validation predictions by CodiEsp MAP', () => {
    // A ranks d1's gold code first, B ranks d2's; only the mix ranks both first.
    const gold = new Map([
      ['d1', ['A']],
      ['d2', ['B']],
    ]);
    const a = [note('d1', ['A', 0.9], ['B', 0.1]), note('d2', ['A', 0.6], ['B', 0.4])];
    const b = [note('d1', ['B', 0.6], ['A', 0.5]), note('d2', ['B', 0.9], ['A', 0.1])];
    const tuned = tuneEnsembleWeight(gold, a, b, { grid: [0, 0.5, 1] });
    // λ = 0: d1 ranks B, A → AP 1/2; d2 → 1: MAP 0.75. λ = 1: d1 → 1, d2 A, B → 1/2: 0.75.
    // λ = 0.5: d1 A 0.7 > B 0.35; d2 B 0.65 > A 0.35: MAP 1.
    expect(tuned.curve.map((point) => point.value)).toEqual([0.75, 1, 0.75]);
    expect(tuned.lambda).toBe(0.5);
  });

  it('is a Coder over two coders', async () => {
    let disposed = 0;
    const fixed = (prediction: NotePrediction): Coder => ({
      labels: prediction.ranked.map((entry) => entry.code),
      predict: async (notes) => notes.map((input) => ({ ...prediction, noteId: input.id })),
      dispose: () => {
        disposed++;
      },
    });
    const coder = ensemble(fixed(note('x', ['A', 1])), fixed(note('x', ['B', 1])), 0.7, { threshold: 0.5 });
    expect(coder.labels).toEqual(['A', 'B']);
    const [prediction] = await coder.predict([{ id: 'n', text: '' }]);
    expect(prediction!.noteId).toBe('n');
    expect(prediction!.ranked.map((entry) => [entry.code, entry.predicted])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(prediction!.ranked[1]!.score).toBeCloseTo(0.3, 12);
    coder.dispose();
    expect(disposed).toBe(2);
  });

  it('asks each member for maxEvidence spans, so the merge can return that many', async () => {
    const asked: (number | undefined)[] = [];
    const span = (start: number, score: number) => ({
      start,
      end: start + 1,
      text: 'x',
      score,
      source: 'keyword' as const,
    });
    const member = (first: number): Coder => ({
      labels: ['A'],
      predict: async (notes, options = {}) => {
        asked.push(options.maxEvidence);
        const spans = [0, 1, 2, 3, 4]
          .map((k) => span(first + k, 1 - (first + k) / 10))
          .slice(0, options.maxEvidence ?? 3);
        return notes.map((input) => ({
          noteId: input.id,
          ranked: [{ code: 'A', score: 1, threshold: 0.5, predicted: true, evidence: spans }],
          evidenceSource: 'keyword' as const,
        }));
      },
      dispose: () => {},
    });
    const coder = ensemble(member(0), member(5), 0.5);
    const [prediction] = await coder.predict([{ id: 'n', text: 'xxxxxxxxxx' }], { maxEvidence: 5 });
    expect(asked).toEqual([5, 5]);
    expect(prediction!.ranked[0]!.evidence.map((e) => e.start)).toEqual([0, 1, 2, 3, 4]);
  });
});
