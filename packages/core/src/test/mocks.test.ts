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
});
