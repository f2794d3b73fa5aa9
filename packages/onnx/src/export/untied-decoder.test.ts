import { BertConfig, BertForMaskedLM, selectBackend } from '@icd/bert';
import { describe, expect, it } from 'vitest';
import { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import { maxAbsDifference } from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

describe('exportOnnx of a masked LM with an untied decoder (tie_word_embeddings: false)', () => {
  it('uses cls.predictions.decoder.weight, not the word embeddings, as the tfjs model does', async () => {
    await selectBackend({ backend: 'cpu' });
    const config = new BertConfig(
      {
        vocabSize: 40,
        hiddenSize: 16,
        numHiddenLayers: 1,
        numAttentionHeads: 2,
        intermediateSize: 24,
        initializerRange: 0.3,
      },
      { tie_word_embeddings: false },
    );
    const mlm = new BertForMaskedLM(config, { seed: 5 });
    expect(mlm.weights.has('cls.predictions.decoder.weight')).toBe(true);
    const input = {
      inputIds: [
        [2, 7, 9, 3],
        [2, 11, 3, 0],
      ],
      attentionMask: [
        [1, 1, 1, 1],
        [1, 1, 1, 0],
      ],
    };
    const tfjs = await mlm.predictMasked(input);
    const onnx = await OnnxMaskedLM.load(await exportOnnx(mlm));
    expect(maxAbsDifference((await onnx.predictMasked(input)).logits.data, tfjs.logits.data)).toBeLessThan(
      1e-4,
    );
    const positions = await OnnxMaskedLM.load(
      await exportOnnx(mlm, { maskedPositions: true, quantization: 'int8' }),
    );
    const { logits } = await positions.predictAt(input, [[1], [1]]);
    const expected = [...tfjs.logits.data.subarray(40, 80), ...tfjs.logits.data.subarray(160 + 40, 160 + 80)];
    expect(maxAbsDifference(logits.data, expected)).toBeLessThan(0.05);
    onnx.dispose();
    positions.dispose();
    mlm.dispose();
  });
});
