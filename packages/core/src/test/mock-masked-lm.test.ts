import { describe, expect, it } from 'vitest';
import { MockMaskedLM } from './mock-encoder.js';

describe('MockMaskedLM positions', () => {
  it('scores only the chosen flat positions, [n, vocab], equal to those rows of the full logits', async () => {
    const mlm = new MockMaskedLM({ hiddenSize: 64, vocabSize: 12 });
    const input = {
      inputIds: [
        [2, 9, 3],
        [2, 4, 7],
      ],
    };
    const full = await mlm.predictMasked(input);
    const chosen = await mlm.predictMasked(input, { positions: [1, 5] });
    expect(chosen.logits.shape).toEqual([2, 12]);
    expect(Array.from(chosen.logits.data.subarray(0, 12))).toEqual(
      Array.from(full.logits.data.subarray(12, 24)),
    );
    expect(Array.from(chosen.logits.data.subarray(12, 24))).toEqual(
      Array.from(full.logits.data.subarray(60, 72)),
    );
    const row = Array.from(chosen.logits.data.subarray(12, 24));
    expect(row.indexOf(Math.max(...row))).toBe(7);
    expect((await mlm.predictMasked(input, { positions: [] })).logits.shape).toEqual([0, 12]);
  });

  it('rejects positions outside the batch', async () => {
    const mlm = new MockMaskedLM({ hiddenSize: 4, vocabSize: 12 });
    await expect(mlm.predictMasked({ inputIds: [[2, 3]] }, { positions: [2] })).rejects.toThrow(
      /flat indices in \[0, 2\)/,
    );
    await expect(mlm.predictMasked({ inputIds: [[2, 3]] }, { positions: [0.5] })).rejects.toThrow(
      /positions/,
    );
  });
});
