import { selectBackend } from '@icd/bert';
import { createTinyBert, tinyBertWords } from '@icd/bert/test';
import type { Encoder } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelAttention } from '../layers/label-attention.js';
import { HeadCoder } from './head-coder.js';

let mlm: ReturnType<typeof createTinyBert>;
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = createTinyBert();
});
afterAll(() => mlm.dispose());

/** The shared tiny BERT, counted, and a hook on each encoder call (the coder must not dispose it). */
const counted = (encoder: Encoder, onEncode: (call: number) => void) => {
  const counter = { calls: 0 };
  const wrapped: Encoder = {
    info: encoder.info,
    encode: async (input, options) => {
      onEncode(++counter.calls);
      return encoder.encode(input, options);
    },
    dispose: () => {},
  };
  return { encoder: wrapped, counter };
};

describe('HeadCoder.predict with a timer-driven AbortSignal (a request timeout)', () => {
  it.each([
    ['notes', 1, 4],
    ['windows of one long note', 8, 1],
  ])(
    'stops between %s once the timer fires, releasing its tensors',
    async (_what, batchSize, encoderBatchSize) => {
      const controller = new AbortController();
      const reason = new DOMException('Coding took too long', 'TimeoutError');
      const { encoder, counter } = counted(mlm.bert, (call) => {
        // The timer is armed during the first encoder call; tfjs' CPU backend resolves at once, so only
        // a turn of the event loop between batches lets it fire.
        if (call === 1) setTimeout(() => controller.abort(reason), 0);
      });
      const head = new LabelAttention({ labels: ['I21', 'J18'], hiddenSize: 16, seed: 2 });
      const coder = new HeadCoder({
        encoder,
        tokenizer: mlm.tokenizer!,
        head,
        windowLength: 8,
        batchSize,
        encoderBatchSize,
      });
      const long = Array.from({ length: 60 }, (_, i) => tinyBertWords[i % 16]).join(' '); // 10 windows
      const notes =
        batchSize === 1
          ? Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, text: tinyBertWords.slice(0, 5).join(' ') }))
          : [{ id: 'long', text: long }];
      await coder.predict(notes.slice(0, 1)); // tfjs' lazily made constants
      counter.calls = 0;
      const start = tf.memory().numTensors;
      await expect(coder.predict(notes, { signal: controller.signal })).rejects.toBe(reason);
      expect(counter.calls).toBe(1);
      expect(tf.memory().numTensors).toBe(start);
      coder.dispose();
    },
  );
});
