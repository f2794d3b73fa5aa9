import { selectBackend } from '@icd/bert';
import { InvalidArgumentError, UnsupportedError } from '@icd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../export/export-onnx.js';
import { loadTinyMaskedLM, maxAbsDifference, referenceCases } from '../test-support/tiny-fixture.js';
import { OnnxMaskedLM } from './onnx-masked-lm.js';

const cases = referenceCases();
const c = cases[1]!; // 3 × 9, two positions per row
const input = { inputIds: c.inputIds, attentionMask: c.attentionMask, tokenTypeIds: c.tokenTypeIds };
const [rows, length] = c.shape;
const vocab = 61;
const hidden = 32;
let everywhere: OnnxMaskedLM;
let atPositions: OnnxMaskedLM;

/** Row `index` of a flat `[n, width]` array. */
const row = (values: ArrayLike<number>, index: number, width: number) =>
  Array.from(values).slice(index * width, (index + 1) * width);

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  const mlm = loadTinyMaskedLM();
  everywhere = await OnnxMaskedLM.load(await exportOnnx(mlm));
  atPositions = await OnnxMaskedLM.load(await exportOnnx(mlm, { maskedPositions: true }));
  mlm.dispose();
});
afterAll(() => {
  everywhere.dispose();
  atPositions.dispose();
});

describe('OnnxMaskedLM.predictMasked with flat positions (the MaskedLanguageModel contract)', () => {
  // PyTorch's logits at c.positions, [rows · 2, vocab] in row order (fixtures/tiny/expected.json).
  const flat = c.positions.flatMap((columns, r) => columns.map((column) => r * length + column));
  // Reversed, so the output order must follow the caller's order, not the rows'.
  const reversed = [...flat].reverse();
  const expected = reversed.flatMap((_, i) => row(c.positionLogits, flat.length - 1 - i, vocab));

  it('scores only the given positions, in the given order, on both graph kinds (vs PyTorch)', async () => {
    for (const model of [everywhere, atPositions]) {
      const { logits } = await model.predictMasked(input, { positions: reversed });
      expect(logits.shape).toEqual([flat.length, vocab]);
      expect(maxAbsDifference(logits.data, expected)).toBeLessThan(1e-4);
    }
  });

  it('predictAt also returns the last hidden state at the positions (the head input)', async () => {
    const { hiddenState } = await atPositions.predictAt(input, c.positions);
    expect(hiddenState!.shape).toEqual([rows, 2, hidden]);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < 2; k++) {
        const column = c.positions[r]![k]!;
        expect(
          maxAbsDifference(
            row(hiddenState!.data, r * 2 + k, hidden),
            row(c.lastHiddenState, r * length + column, hidden),
          ),
        ).toBeLessThan(1e-4);
      }
    }
  });

  it('rejects positions out of range, and ragged positions on a masked_positions graph, with typed errors', async () => {
    await expect(everywhere.predictMasked(input, { positions: [rows * length] })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(everywhere.predictMasked(input, { positions: [] })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(atPositions.predictMasked(input, { positions: [1, 2, length + 1] })).rejects.toBeInstanceOf(
      UnsupportedError,
    );
    await expect(atPositions.predictMasked(input)).rejects.toThrow(/predictAt/);
  });
});
