import type { Encoding } from '@icd/core';
import { MockEncoder, MockTokenizer, windowEncoding } from '@icd/core/test';
import { describe, expect, it } from 'vitest';
import { encodeLongText, poolWindows, windowsOf } from './pool-windows.js';

// Windows of a note with stride 1: [5 6 7] [7 8 9] [9 10] (the last one padded).
const note = windowEncoding([5, 6, 7], 5, [windowEncoding([7, 8, 9], 5), windowEncoding([9, 10], 5)]);
const encoder = new MockEncoder({ hiddenSize: 6 });

/** Hand reference: MockEncoder's vector of a token is `tokenVector(id)` at any position. */
function reference(ids: number[], reduce: 'mean' | 'max'): number[] {
  const vectors = ids.map((id) => Array.from(encoder.tokenVector(id)));
  return vectors[0]!.map((_, d) =>
    reduce === 'max'
      ? Math.max(...vectors.map((v) => v[d]!))
      : vectors.reduce((s, v) => s + v[d]!, 0) / vectors.length,
  );
}

function expectClose(actual: Float32Array, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, d) => {
    expect(value).toBeCloseTo(expected[d] as number, 6);
  });
}

describe('poolWindows', () => {
  it('flattens overflowing windows in order', () => {
    expect(windowsOf(note).map((w) => w.ids)).toEqual([
      [2, 5, 6, 7, 3],
      [2, 7, 8, 9, 3],
      [2, 9, 10, 3, 0],
    ]);
  });

  it('mean and max over non-special tokens of all windows, any batch size', async () => {
    const tokens = [5, 6, 7, 7, 8, 9, 9, 10];
    for (const batchSize of [1, 2, 8]) {
      const mean = await poolWindows(encoder, note, { batchSize });
      expect(mean.windows).toBe(3);
      expect(mean.tokens).toBe(8);
      expectClose(mean.vector, reference(tokens, 'mean'));
    }
    const max = await poolWindows(encoder, note, { pooling: 'max' });
    expectClose(max.vector, reference(tokens, 'max'));
    const withSpecials = await poolWindows(encoder, note, { excludeSpecialTokens: false });
    expect(withSpecials.tokens).toBe(14);
  });

  it("first-token pooling averages the windows' [CLS] vectors; batches are padded and masked", async () => {
    const calls = encoder.calls.length;
    const first = await poolWindows(encoder, note, { pooling: 'first', batchSize: 2 });
    expectClose(first.vector, reference([2, 2, 2], 'mean'));
    expect(encoder.calls.length - calls).toBe(2);
    expect(encoder.calls.at(-1)?.attentionMask).toEqual([[1, 1, 1, 1, 0]]);
  });

  it('pools a window of specials only instead of returning nothing', async () => {
    const empty = await poolWindows(encoder, windowEncoding([], 2));
    expect(empty.tokens).toBe(2);
    expectClose(empty.vector, reference([2, 3], 'mean'));
  });

  it('validates options', async () => {
    await expect(poolWindows(encoder, note, { pooling: 'sum' as never })).rejects.toThrow(
      /'pooling' passed to 'poolWindows' must be one of "mean", "max", "first"/,
    );
    await expect(poolWindows(encoder, note, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(poolWindows(encoder, {} as Encoding)).rejects.toThrow(/an Encoding/);
  });

  it('encodeLongText asks the tokenizer for overflowing windows', async () => {
    const tokenizer = new MockTokenizer(['chest', 'pain']);
    const pooled = await encodeLongText(encoder, tokenizer, 'chest pain', { maxLength: 8, stride: 2 });
    expect(pooled.windows).toBe(1);
    expectClose(pooled.vector, reference([5, 6], 'mean'));
    await expect(encodeLongText(encoder, tokenizer, 'x', { maxLength: 8, stride: 6 })).rejects.toThrow(
      /stride/,
    );
  });
});
