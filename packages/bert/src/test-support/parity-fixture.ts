// Test-only helpers: read the committed PyTorch parity fixture and compare tensors with it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs-core';

export const parityDirectory = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'fixtures',
  'parity',
);

export interface ExpectedTensor {
  readonly shape: number[];
  readonly data: number[];
}

export interface ParityFixture {
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly tokenTypeIds: number[][];
  readonly labels: number[][];
  readonly lastHiddenState: ExpectedTensor;
  readonly poolerOutput: ExpectedTensor;
  readonly hiddenStates: ExpectedTensor[];
  readonly attentions: ExpectedTensor[];
  readonly logits: ExpectedTensor;
  readonly loss: number;
  readonly gradients: Record<string, ExpectedTensor>;
  readonly f16FirstValues: number[];
  readonly bf16FirstValues: number[];
  readonly activations: Record<'x' | 'gelu' | 'gelu_new' | 'relu' | 'silu', number[]>;
}

export const parity: ParityFixture = JSON.parse(readFileSync(join(parityDirectory, 'expected.json'), 'utf8'));

/** Max |a − b| between a tensor and an expected array, after checking the shape. */
export function maxAbsDifference(actual: tf.Tensor, expected: ExpectedTensor): number {
  if (actual.shape.join(',') !== expected.shape.join(',')) {
    throw new Error(`shape [${actual.shape}] differs from expected [${expected.shape}]`);
  }
  const values = actual.dataSync();
  let worst = 0;
  for (let index = 0; index < values.length; index++) {
    worst = Math.max(worst, Math.abs((values[index] as number) - (expected.data[index] as number)));
  }
  return worst;
}
