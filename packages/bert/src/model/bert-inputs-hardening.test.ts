import { InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { createTinyBert } from '../test/create-tiny-bert.js';
import type { BertForMaskedLM } from './bert-for-masked-lm.js';
import { disposeOutput } from './bert-model.js';

// Hostile inputs of an outside probe (issue 11, helper K): typed errors naming the argument, no leak.
describe('forward inputs and options (outside probe)', () => {
  let mlm: BertForMaskedLM;
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
    mlm = createTinyBert();
  });
  afterAll(() => mlm.dispose());

  const refused = (run: () => unknown, argument: string) => {
    const before = tf.memory().numTensors;
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown), String(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe(argument);
    expect(tf.memory().numTensors).toBe(before);
  };

  it('TensorData shapes must be non-negative integers (a raw tfjs Error before)', () => {
    for (const shape of [
      [-2, -3],
      [0.5, 6],
      [Number.NaN, 0],
    ]) {
      refused(
        () => mlm.bert.forward({ inputIds: { data: new Int32Array(6), shape } as never }),
        'inputIds.shape',
      );
    }
  });

  it('BigInt64 ids (transformers.js, ONNX Runtime) are read as the same ids, and range-checked', () => {
    const ids = [2, 8, 9, 3];
    const plain = mlm.bert.forward({ inputIds: [ids] });
    const big = mlm.bert.forward({
      inputIds: { data: BigInt64Array.from(ids, BigInt), shape: [1, 4] } as never,
    });
    expect(Array.from(big.lastHiddenState.dataSync())).toEqual(Array.from(plain.lastHiddenState.dataSync()));
    disposeOutput(plain);
    disposeOutput(big);
    refused(
      () =>
        mlm.bert.forward({ inputIds: { data: new BigInt64Array([2n, 2n ** 32n]), shape: [1, 2] } as never }),
      'inputIds.data[1]',
    );
  });

  it('a disposed tensor is refused by name (a raw TypeError before)', () => {
    const ids = tf.tensor2d([[2, 8, 3]], undefined, 'int32');
    ids.dispose();
    refused(() => mlm.bert.forward({ inputIds: ids }), 'inputIds');
    const embeds = tf.zeros([1, 3, 16]);
    embeds.dispose();
    refused(() => mlm.forward({ inputsEmbeds: embeds as tf.Tensor3D }), 'inputsEmbeds');
  });

  it('options are checked: null, training "yes" (dropout on silently before), a NaN dropout seed', () => {
    const input = { inputIds: [[2, 8, 3]] };
    refused(() => mlm.bert.forward(input, null as never), 'options');
    refused(() => mlm.bert.forward(input, { training: 'yes' as never }), 'training');
    refused(() => mlm.forwardMasked(input, { training: true, dropoutSeed: Number.NaN }), 'dropoutSeed');
    refused(() => mlm.forward(input, { outputHiddenStates: 1 as never }), 'outputHiddenStates');
  });

  it('the head methods check the hidden size (a raw reshape Error before)', () => {
    const rows = tf.zeros([2, 15]);
    refused(() => mlm.transformMaskedLM(rows), 'hiddenStates');
    refused(() => mlm.applyHead(rows), 'hiddenStates');
    refused(() => mlm.applyHead(null as never), 'hiddenStates');
    rows.dispose();
    const good = tf.zeros([2, 16]);
    const logits = mlm.applyHead(good);
    expect(logits.shape).toEqual([2, mlm.config.vocabSize]);
    tf.dispose([good, logits]);
  });

  it("selectBackend('cpu') is refused instead of silently setting up wasm", async () => {
    await expect(selectBackend('cpu' as never)).rejects.toSatisfy(
      (error: unknown) => InvalidArgumentError.isInstance(error) && error.argument === 'options',
    );
    expect(tf.getBackend()).toBe('cpu');
  });
});
