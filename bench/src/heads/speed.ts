/**
 * Speed and memory of the encoder + label attention: training examples/s (tunable encoder, text in)
 * and prediction notes/s (`HeadCoder.predict`, text in, evidence on) over 50 codes and over all
 * codes, and the tf.memory() footprint of a LabelAttention layer at 8,000 codes.
 */
import type { BertModel } from '@icd/bert/node';
import type { TokenizerLike } from '@icd/core';
import { HeadCoder, LabelAttention, trainHead } from '@icd/heads';
import * as tf from '@tensorflow/tfjs-core';
import { load, seconds } from './common.js';

export interface SpeedNote {
  readonly id: string;
  readonly text: string;
  readonly codes: readonly string[];
}

export async function speedLines(
  encoder: BertModel,
  tokenizer: TokenizerLike,
  notes: readonly SpeedNote[],
  labelSets: readonly { name: string; labels: readonly string[] }[],
  windowLength: number,
): Promise<string[]> {
  const lines: string[] = [];
  const hiddenSize = encoder.info.hiddenSize;
  for (const { name, labels } of labelSets) {
    const head = new LabelAttention({ labels, hiddenSize, projectionSize: hiddenSize, seed: 3 });
    // A copy of the encoder's weights moves here; restore them after, the cached rows read the frozen ones.
    const saved = new Map([...encoder.weights].map(([key, variable]) => [key, tf.keep(variable.clone())]));
    let clock = performance.now();
    const result = await trainHead(head, notes, {
      encoder,
      tokenizer,
      windowLength,
      epochs: 1,
      batchSize: 4,
      learningRate: 1e-3,
      encoderLearningRate: 5e-5,
    });
    const trainSeconds = seconds(clock);
    for (const [key, tensor] of saved) {
      encoder.weights.get(key)!.assign(tensor);
      tensor.dispose();
    }
    const coder = new HeadCoder({ encoder, tokenizer, head, thresholds: 0.5, windowLength });
    clock = performance.now();
    await coder.predict(notes, { threshold: 0.2 });
    const predictSeconds = seconds(clock);
    head.dispose();
    lines.push(
      `encoder + label attention over ${name} (${labels.length} codes), windows of ${windowLength}: training (encoder tuned, ${notes.length} notes, ${result.step} updates of 4) ${(notes.length / trainSeconds).toFixed(2)} examples/s; prediction (HeadCoder.predict, evidence on) ${(notes.length / predictSeconds).toFixed(2)} notes/s (load ${load()})`,
    );
  }
  return lines;
}

/** tf.memory() of a LabelAttention at `labels` codes: weights, and a forward over `tokens` tokens. */
export function memoryLines(hiddenSize: number, labels: number, tokens: number): string[] {
  const before = tf.memory().numBytes;
  const codes = Array.from({ length: labels }, (_, index) => `C${index}`);
  const head = new LabelAttention({ labels: codes, hiddenSize, projectionSize: hiddenSize, seed: 1 });
  const weights = tf.memory().numBytes - before;
  const states = tf.randomNormal([1, tokens, hiddenSize]);
  const mask = tf.ones([1, tokens]);
  const afterInputs = tf.memory().numBytes;
  const clock = performance.now();
  const output = head.forward(states, mask, { training: false });
  output.logits.dataSync();
  const forwardSeconds = seconds(clock);
  const withAttention = tf.memory().numBytes - afterInputs;
  output.labelAttention?.dispose();
  output.logits.dispose();
  const clock2 = performance.now();
  const lean = head.forward(states, mask, { training: false, outputLabelAttention: false });
  lean.logits.dataSync();
  const leanSeconds = seconds(clock2);
  const withoutAttention = tf.memory().numBytes - afterInputs;
  lean.logits.dispose();
  lean.labelAttention?.dispose();
  tf.dispose([states, mask]);
  head.dispose();
  const leaked = tf.memory().numBytes - before;
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
  return [
    `LabelAttention at ${labels.toLocaleString('en')} codes, hidden ${hiddenSize}: weights ${mib(weights)} MiB (tf.memory().numBytes); one forward over a ${tokens.toLocaleString('en')}-token note holds ${mib(withAttention)} MiB of outputs with the [codes × tokens] attention returned (${forwardSeconds.toFixed(2)} s), ${mib(withoutAttention)} MiB without it (${leanSeconds.toFixed(2)} s); ${mib(leaked)} MiB left after dispose (load ${load()})`,
  ];
}
