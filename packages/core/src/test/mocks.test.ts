import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { MockEncoder, MockMaskedLM } from './mock-encoder.js';
import { MockTokenizer } from './mock-tokenizer.js';

describe('MockEncoder', () => {
  it('returns [batch, sequence, hidden] states, equal vectors for equal ids, zeros on padding', async () => {
    const encoder = new MockEncoder({ hiddenSize: 4, vocabSize: 50 });
    const { lastHiddenState, poolerOutput } = await encoder.encode({
      inputIds: [
        [2, 7, 3],
        [2, 7, 0],
      ],
      attentionMask: [
        [1, 1, 1],
        [1, 1, 0],
      ],
    });
    expect(lastHiddenState.shape).toEqual([2, 3, 4]);
    expect(poolerOutput?.shape).toEqual([2, 4]);
    const at = (b: number, t: number) =>
      Array.from(lastHiddenState.data.subarray((b * 3 + t) * 4, (b * 3 + t + 1) * 4));
    expect(at(0, 1)).toEqual(at(1, 1));
    expect(at(0, 1)).toEqual(Array.from(encoder.tokenVector(7)));
    expect(at(1, 2)).toEqual([0, 0, 0, 0]);
    expect(at(0, 0)).not.toEqual(at(0, 1));
    expect(encoder.calls).toHaveLength(1);
    expect(encoder.calls[0]?.inputIds).toEqual([
      [2, 7, 3],
      [2, 7, 0],
    ]);
  });

  it('accepts a row-major TensorData batch and rejects bad input', async () => {
    const encoder = new MockEncoder({ hiddenSize: 2, vocabSize: 10, maxPositionEmbeddings: 3 });
    const out = await encoder.encode({ inputIds: { data: Int32Array.from([1, 2, 3, 4]), shape: [2, 2] } });
    expect(out.lastHiddenState.shape).toEqual([2, 2, 2]);
    await expect(encoder.encode({ inputIds: [[1, 2], [3]] })).rejects.toThrow(InvalidArgumentError);
    await expect(encoder.encode({ inputIds: [[1, 2, 3, 4]] })).rejects.toThrow('at most 3 tokens');
    await expect(encoder.encode({ inputIds: [[11]] })).rejects.toThrow('token ids in [0, 10)');
    encoder.dispose();
    await expect(encoder.encode({ inputIds: [[1]] })).rejects.toThrow('disposed');
  });
});

describe('MockMaskedLM', () => {
  it('scores the token a position holds highest among a few candidates', async () => {
    const mlm = new MockMaskedLM({ hiddenSize: 64, vocabSize: 20 });
    const { logits } = await mlm.predictMasked({ inputIds: [[5, 9]] });
    expect(logits.shape).toEqual([1, 2, 20]);
    const row = Array.from(logits.data.subarray(20, 40));
    expect(row.indexOf(Math.max(...row))).toBe(9);
  });
});

describe('MockTokenizer', () => {
  it('lower-cases, splits punctuation, adds specials and keeps offsets into the original text', () => {
    const tokenizer = new MockTokenizer(['chest', 'pain', '.']);
    const encoding = tokenizer.encode('Chest PAIN, fever.');
    expect(encoding.tokens).toEqual(['[CLS]', 'chest', 'pain', '[UNK]', '[UNK]', '.', '[SEP]']);
    expect(encoding.ids).toEqual([2, 5, 6, 1, 1, 7, 3]);
    expect(encoding.offsets[2]).toEqual([6, 10]);
    expect(encoding.specialTokensMask).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(tokenizer.decode(encoding.ids, { skipSpecialTokens: true })).toBe('chest pain .');
  });

  it('truncates and pads a batch to the longest row', () => {
    const tokenizer = new MockTokenizer(['a', 'b']);
    const [first, second] = tokenizer.encodeBatch(['a b a b', 'a'], { maxLength: 4, padding: 'longest' });
    expect(first?.ids).toEqual([2, 5, 6, 3]);
    expect(second?.ids).toEqual([2, 5, 3, 0]);
    expect(second?.attentionMask).toEqual([1, 1, 1, 0]);
    expect(() => tokenizer.encode('a', null, { maxLength: 1 })).toThrow("Argument 'maxLength'");
  });

  // Hand-computed with HF `tokenizers`' rules (truncation.rs, encoding.rs); @icd/tokenizer's
  // mock-tokenizer.parity.test.ts also compares every option against the real Tokenizer.
  const letters = new MockTokenizer(['a', 'b', 'c', 'd', 'e']); // a=5 ... e=9

  it('encodes pairs as [CLS] A [SEP] B [SEP] with type ids 0 then 1', () => {
    const pair = letters.encode('a b c', 'd e');
    expect(pair.ids).toEqual([2, 5, 6, 7, 3, 8, 9, 3]);
    expect(pair.typeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(pair.sequenceIds).toEqual([null, 0, 0, 0, null, 1, 1, null]);
    expect(pair.wordIds).toEqual([null, 0, 1, 2, null, 0, 1, null]);
  });

  it('longest_first gives the shorter text its length when it fits, then halves; only_* cut one side', () => {
    // Budget 6 - 3 = 3: "e" keeps 1, "a b c d" gets 3 - 1 = 2.
    expect(letters.encode('a b c d', 'e', { maxLength: 6 }).ids).toEqual([2, 5, 6, 3, 9, 3]);
    // Both longer than the budget 4: 2 and 2.
    expect(letters.encode('a b c d', 'a b c d e', { maxLength: 7 }).ids).toEqual([2, 5, 6, 3, 5, 6, 3]);
    expect(letters.encode('a b c d', 'e', { maxLength: 6, truncation: 'only_first' }).ids).toEqual([
      2, 5, 6, 3, 9, 3,
    ]);
    expect(letters.encode('a', 'b c d e', { maxLength: 6, truncation: 'only_second' }).ids).toEqual([
      2, 5, 3, 6, 7, 3,
    ]);
    expect(letters.encode('a b c d e', null, { maxLength: 4, truncation: false }).ids).toHaveLength(7);
  });

  it('stride windows overlap by stride tokens, each with its specials; impossible strides are refused', () => {
    // Budget 3, step 3 - 1 = 2: [a b c], [c d e].
    const windows = letters.encode('a b c d e', null, { maxLength: 5, stride: 1 });
    expect(windows.ids).toEqual([2, 5, 6, 7, 3]);
    expect(windows.overflowing.map((window) => window.ids)).toEqual([[2, 7, 8, 9, 3]]);
    expect(windows.overflowing[0]?.offsets.slice(1, 4)).toEqual([
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    // No stride and no returnOverflowing: the remainder is dropped.
    expect(letters.encode('a b c d e', null, { maxLength: 5 }).overflowing).toEqual([]);
    // A pair under longest_first: windows of 1 token each, so stride 1 would never advance (HF asserts).
    expect(() => letters.encode('a b c d e', 'a b c d e', { maxLength: 6, stride: 1 })).toThrow(
      "Argument 'stride'",
    );
    expect(() => letters.encode('a b c', null, { maxLength: 3, truncation: 'only_second' })).toThrow(
      "Argument 'truncation'",
    );
  });

  it('pads to max_length or a multiple, left or right, windows too', () => {
    const left = letters.encode('a b', null, { maxLength: 6, padding: 'max_length', paddingSide: 'left' });
    expect(left.ids).toEqual([0, 0, 2, 5, 6, 3]);
    expect(left.attentionMask).toEqual([0, 0, 1, 1, 1, 1]);
    expect(letters.encode('a', null, { padding: true, padToMultipleOf: 4 }).ids).toEqual([2, 5, 3, 0]);
    const padded = letters.encode('a b c d e', null, { maxLength: 4, stride: 1, padding: 'max_length' });
    expect(padded.overflowing.map((window) => window.ids)).toEqual([
      [2, 6, 7, 3],
      [2, 7, 8, 3],
      [2, 8, 9, 3],
    ]);
  });
});
