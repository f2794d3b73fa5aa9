import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertForMaskedLM } from '../model/bert-for-masked-lm.js';
import { BertModel } from '../model/bert-model.js';
import { createTinyBert, createTinyTokenizer, tinyBertWords } from './index.js';

describe('createTinyBert', () => {
  it('is a real BertForMaskedLM over the tiny tokenizer vocabulary', async () => {
    await selectBackend({ backend: 'cpu' });
    const mlm = createTinyBert();
    expect(mlm).toBeInstanceOf(BertForMaskedLM);
    expect(mlm.bert).toBeInstanceOf(BertModel);
    expect(mlm.config.vocabSize).toBe(5 + tinyBertWords.length);
    expect(mlm.info).toMatchObject({ hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2 });
    const encoding = mlm.tokenizer!.encode('Chest pain [MASK]');
    expect(encoding.ids).toEqual([2, 8, 9, 4, 3]);
    const { logits, lastHiddenState } = await mlm.predictMasked({ inputIds: [encoding.ids] });
    expect(logits.shape).toEqual([1, 5, mlm.config.vocabSize]);
    expect(lastHiddenState?.shape).toEqual([1, 5, 16]);
    mlm.dispose();
  });

  it('gives the same weights for the same seed on cpu and wasm, other weights for another seed', async () => {
    const snapshot = async (backend: 'cpu' | 'wasm', seed?: number) => {
      await selectBackend({ backend });
      const mlm = createTinyBert(seed === undefined ? {} : { seed });
      const values = [...mlm.weights.values()].map((variable) => Array.from(variable.dataSync()));
      mlm.dispose();
      return values;
    };
    const cpu = await snapshot('cpu');
    expect(await snapshot('wasm')).toEqual(cpu);
    expect(await snapshot('cpu', 8)).not.toEqual(cpu);
    // Weights ~ N(0, 0.2²): large enough for outputs that depend on the input.
    const words = cpu[0]!;
    const deviation = Math.sqrt(words.reduce((s, v) => s + v * v, 0) / words.length);
    expect(deviation).toBeGreaterThan(0.15);
    expect(deviation).toBeLessThan(0.25);
  });

  it('takes config overrides and a pooler; leaves no tensor behind', async () => {
    await selectBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const mlm = createTinyBert({ numHiddenLayers: 1, addPoolingLayer: true });
    expect(mlm.config.numHiddenLayers).toBe(1);
    const { poolerOutput } = await mlm.bert.encode({ inputIds: [[2, 8, 3]] });
    expect(poolerOutput?.shape).toEqual([1, 16]);
    mlm.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(createTinyTokenizer().vocabSize).toBe(5 + tinyBertWords.length);
  });
});
