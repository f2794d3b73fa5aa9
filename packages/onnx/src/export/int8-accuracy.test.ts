import type { BertForMaskedLM } from '@icd/bert';
import { selectBackend } from '@icd/bert';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import { loadTinyMaskedLM, referenceCases } from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

function cosine(a: ArrayLike<number>, b: ArrayLike<number>, start: number, width: number): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = start; index < start + width; index++) {
    dot += (a[index] as number) * (b[index] as number);
    normA += (a[index] as number) ** 2;
    normB += (b[index] as number) ** 2;
  }
  return dot / Math.sqrt(normA * normB);
}

function argmax(values: ArrayLike<number>, start: number, width: number): number {
  let best = start;
  for (let index = start; index < start + width; index++)
    if ((values[index] as number) > (values[best] as number)) best = index;
  return best - start;
}

let mlm: BertForMaskedLM;
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = loadTinyMaskedLM();
});
afterAll(() => mlm.dispose());

describe('exportOnnx with int8 dynamic quantization', () => {
  it('keeps hidden states close to the float32 reference and the masked-LM top-1 mostly unchanged', async () => {
    const quantized = await OnnxMaskedLM.load(await exportOnnx(mlm, { quantization: 'int8' }));
    let worstCosine = 1;
    let agree = 0;
    let tokens = 0;
    for (const c of referenceCases()) {
      const input = { inputIds: c.inputIds, attentionMask: c.attentionMask, tokenTypeIds: c.tokenTypeIds };
      const { logits, lastHiddenState } = await quantized.predictMasked(input);
      for (const [batch, row] of c.attentionMask.entries()) {
        for (const [position, mask] of row.entries()) {
          if (mask === 0) continue;
          const token = batch * c.shape[1] + position;
          worstCosine = Math.min(
            worstCosine,
            cosine(lastHiddenState!.data, c.lastHiddenState, token * 32, 32),
          );
          agree += argmax(logits.data, token * 61, 61) === argmax(c.logits, token * 61, 61) ? 1 : 0;
          tokens++;
        }
      }
    }
    // Measured: worst cosine 0.99987, top-1 agreement 59/59 tokens; the bounds leave room for onnxruntime's
    // kernel-dependent rounding (DynamicQuantizeMatMul vs MatMulInteger).
    expect(worstCosine).toBeGreaterThan(0.999);
    expect(agree / tokens).toBeGreaterThan(0.9);
    quantized.dispose();
  });

  it('is smaller than float32 (int8 linear weights, float32 embeddings)', async () => {
    const [full, small] = await Promise.all([exportOnnx(mlm), exportOnnx(mlm, { quantization: 'int8' })]);
    expect(small.length).toBeLessThan(full.length * 0.75);
  });
});
