import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { MaskedLMCollator } from './masked-lm-collator.js';
import type { TokenSequence } from './token-sequence.js';

const vocabSize = 1000;
const [pad, cls, sep, mask] = [0, 1, 2, 3];

/** `[CLS] 10 11 ... [SEP]`: ids >= 10 so a random replacement is distinguishable from specials. */
function sequence(length: number, wordSize = 1): TokenSequence {
  const inputIds = new Int32Array(length);
  const specialTokensMask = new Uint8Array(length);
  const wordIds = new Int32Array(length).fill(-1);
  for (let i = 0; i < length; i++) {
    if (i === 0 || i === length - 1) {
      inputIds[i] = i === 0 ? cls : sep;
      specialTokensMask[i] = 1;
    } else {
      inputIds[i] = 10 + (i % 900);
      wordIds[i] = Math.floor((i - 1) / wordSize);
    }
  }
  return { inputIds, specialTokensMask, wordIds };
}

function collator(extra: Partial<ConstructorParameters<typeof MaskedLMCollator>[0]> = {}) {
  return new MaskedLMCollator({ maskTokenId: mask, padTokenId: pad, vocabSize, seed: 11, ...extra });
}

describe('MaskedLMCollator', () => {
  it('pads, builds the attention mask, never chooses specials or padding, and labels only chosen tokens', () => {
    const sequences = [sequence(20), sequence(7), sequence(13)];
    const batch = collator({ mlmProbability: 0.5, padToMultipleOf: 8 }).collate(sequences);
    expect(batch.batchSize).toBe(3);
    expect(batch.sequenceLength).toBe(24);
    sequences.forEach((original, row) => {
      for (let i = 0; i < 24; i++) {
        const at = row * 24 + i;
        const inside = i < original.inputIds.length;
        expect(batch.attentionMask[at]).toBe(inside ? 1 : 0);
        if (!inside) {
          expect([batch.inputIds[at], batch.labels[at]]).toEqual([pad, -100]);
          continue;
        }
        if (original.specialTokensMask[i] === 1) {
          expect([batch.inputIds[at], batch.labels[at]]).toEqual([original.inputIds[i], -100]);
        } else if (batch.labels[at] === -100) {
          expect(batch.inputIds[at]).toBe(original.inputIds[i]);
        } else {
          expect(batch.labels[at]).toBe(original.inputIds[i]);
        }
      }
    });
  });

  it('over 100k tokens chooses 15% and replaces 80% / 10% / 10% within ±1%', () => {
    const instance = collator();
    let candidates = 0;
    let chosen = 0;
    let masked = 0;
    let randomized = 0;
    let unchanged = 0;
    for (let b = 0; b < 50; b++) {
      const sequences = Array.from({ length: 16 }, () => sequence(128));
      const batch = instance.collate(sequences);
      for (let at = 0; at < batch.labels.length; at++) {
        const original = sequences[Math.floor(at / 128)]!.inputIds[at % 128]!;
        if (original >= 10) candidates++;
        if (batch.labels[at] === -100) continue;
        chosen++;
        if (batch.inputIds[at] === mask) masked++;
        else if (batch.inputIds[at] === original) unchanged++;
        else randomized++;
      }
    }
    expect(candidates).toBeGreaterThan(100_000);
    expect(Math.abs(chosen / candidates - 0.15)).toBeLessThan(0.01);
    // A random draw equal to the original id (1 in 1000) counts as unchanged: within tolerance.
    expect(Math.abs(masked / chosen - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(randomized / chosen - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(unchanged / chosen - 0.1)).toBeLessThan(0.01);
  });

  it('whole-word masking labels every piece of a chosen word and chooses 15% of words', () => {
    const instance = collator({ wholeWordMask: true });
    let words = 0;
    let chosenWords = 0;
    for (let b = 0; b < 40; b++) {
      const sequences = Array.from({ length: 8 }, () => sequence(122, 3)); // 40 words of 3 pieces
      const batch = instance.collate(sequences);
      for (let row = 0; row < 8; row++) {
        for (let word = 0; word < 40; word++) {
          const pieces = [1, 2, 3].map((k) => batch.labels[row * 122 + word * 3 + k] !== -100);
          expect(pieces.every((p) => p === pieces[0])).toBe(true);
          words++;
          if (pieces[0]) chosenWords++;
        }
        expect(batch.labels[row * 122]).toBe(-100);
        expect(batch.labels[row * 122 + 121]).toBe(-100);
      }
    }
    expect(words).toBe(12_800);
    expect(Math.abs(chosenWords / words - 0.15)).toBeLessThan(0.015);
  });

  it('is reproducible from a seed and from a saved state', () => {
    const sequences = [sequence(64), sequence(50)];
    const a = collator();
    const b = collator();
    expect(a.collate(sequences)).toEqual(b.collate(sequences));
    const state = a.getState();
    const next = a.collate(sequences);
    const c = collator({ seed: 99 });
    c.setState(state);
    expect(c.collate(sequences)).toEqual(next);
    expect(collator({ seed: 12 }).collate(sequences).labels).not.toEqual(
      collator().collate(sequences).labels,
    );
  });

  it('with probability 1 and 100% mask replacement masks every non-special token', () => {
    const batch = collator({
      mlmProbability: 1,
      maskReplaceProbability: 1,
      randomReplaceProbability: 0,
    }).collate([sequence(6)]);
    expect(Array.from(batch.inputIds)).toEqual([cls, mask, mask, mask, mask, sep]);
    expect(Array.from(batch.labels)).toEqual([-100, 11, 12, 13, 14, -100]);
  });

  it('rejects bad options and sequences with clear messages', () => {
    expect(() => collator({ mlmProbability: 1.5 })).toThrow(
      "Argument 'mlmProbability' passed to 'MaskedLMCollator' must be a finite number in [0, 1], got 1.5",
    );
    expect(() => collator({ maskTokenId: 1000 })).toThrow(InvalidArgumentError);
    expect(() => collator({ randomReplaceProbability: 0.3 })).toThrow(InvalidArgumentError);
    expect(() => collator().collate([])).toThrow(InvalidArgumentError);
    expect(() =>
      collator().collate([{ inputIds: Int32Array.of(5000), specialTokensMask: Uint8Array.of(0) }]),
    ).toThrow(/ids in \[0, 999\]/);
    expect(() =>
      collator({ wholeWordMask: true }).collate([
        { inputIds: Int32Array.of(5), specialTokensMask: Uint8Array.of(0) },
      ]),
    ).toThrow(/wordIds/);
  });
});
