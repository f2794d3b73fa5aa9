import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';
import type { ParameterSpec } from './parameter-specs.js';

let instanceCount = 0;

/** The in-memory (tfjs) shape of a parameter: linear weights are `[in, out]`. */
export function memoryShape(spec: ParameterSpec): number[] {
  return spec.kind === 'linear' ? [...spec.fileShape].reverse() : [...spec.fileShape];
}

/**
 * Creates one `tf.Variable` per spec. A value in `initial` (already in memory layout) is used as is;
 * the others follow HF `BertPreTrainedModel._init_weights`: linear and embedding weights ~ N(0, σ²)
 * with σ = `initializerRange`, the padding row of the word embeddings zero, biases zero, LayerNorm
 * γ = 1 and β = 0. Variable names get a per-model prefix because tfjs names are global.
 */
export function createParameters(
  specs: readonly ParameterSpec[],
  config: BertConfig,
  { initial, seed }: { initial?: ReadonlyMap<string, tf.Tensor>; seed?: number | undefined } = {},
): Map<string, tf.Variable> {
  const scope = `icd_bert_${++instanceCount}`;
  const parameters = new Map<string, tf.Variable>();
  specs.forEach((spec, index) => {
    const shape = memoryShape(spec);
    const value = tf.tidy(() => {
      const given = initial?.get(spec.name);
      if (given) return given.clone();
      switch (spec.kind) {
        case 'normWeight':
          return tf.ones(shape);
        case 'normBias':
        case 'bias':
          return tf.zeros(shape);
        default: {
          const values = tf.randomNormal(
            shape,
            0,
            config.initializerRange,
            'float32',
            seed === undefined ? undefined : seed + index,
          );
          if (spec.name.endsWith('word_embeddings.weight')) {
            const keep = tf.oneHot(tf.tensor1d([config.padTokenId], 'int32'), shape[0] as number);
            return tf.mul(values, tf.sub(1, tf.transpose(keep)));
          }
          return values;
        }
      }
    });
    parameters.set(spec.name, tf.variable(value, true, `${scope}/${spec.name}`));
    value.dispose();
  });
  return parameters;
}
