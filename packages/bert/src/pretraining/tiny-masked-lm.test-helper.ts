import * as tf from '@tensorflow/tfjs-core';
import type {
  MaskedLMInputTensors,
  MaskedLMPassOptions,
  PretrainableMaskedLM,
} from './pretrainable-masked-lm.js';

let models = 0;

/**
 * A deliberately small masked LM for trainer tests (not BERT): embeddings + position embeddings → mean
 * of the attended context mixed in → dense + tanh → LayerNorm → seeded dropout → decoder tied to the
 * embeddings. It has HF-like names (so weight-decay exemptions apply) and dropout (so resume must
 * replay dropout seeds).
 */
export function createTinyMaskedLM(
  vocabSize: number,
  hidden: number,
  maxLength: number,
  seed: number,
): PretrainableMaskedLM & { dispose(): void } {
  const scope = `tiny_mlm_${++models}`;
  const make = (name: string, value: tf.Tensor) => {
    const variable = tf.variable(value, true, `${scope}/${name}`);
    value.dispose();
    return [name, variable] as const;
  };
  const weights = new Map<string, tf.Variable>([
    make('embeddings.word_embeddings.weight', tf.randomNormal([vocabSize, hidden], 0, 0.2, 'float32', seed)),
    make(
      'embeddings.position_embeddings.weight',
      tf.randomNormal([maxLength, hidden], 0, 0.2, 'float32', seed + 1),
    ),
    make('encoder.dense.weight', tf.randomNormal([hidden, hidden], 0, 0.2, 'float32', seed + 2)),
    make('encoder.dense.bias', tf.zeros([hidden])),
    make('encoder.LayerNorm.weight', tf.ones([hidden])),
    make('encoder.LayerNorm.bias', tf.zeros([hidden])),
    make('cls.predictions.bias', tf.zeros([vocabSize])),
  ]);
  const get = (name: string) => weights.get(name)!;
  return {
    weights,
    vocabSize,
    logitsAt(
      inputs: MaskedLMInputTensors,
      positions: tf.Tensor1D,
      options: MaskedLMPassOptions,
    ): tf.Tensor2D {
      return tf.tidy(() => {
        const [batch, length] = inputs.inputIds.shape;
        const words = tf.reshape(
          tf.gather(get('embeddings.word_embeddings.weight'), tf.reshape(inputs.inputIds, [-1])),
          [batch, length, hidden],
        );
        const positioned = tf.add(
          words,
          tf.slice(get('embeddings.position_embeddings.weight'), [0, 0], [length, hidden]),
        );
        const mask = tf.expandDims(tf.cast(inputs.attentionMask, 'float32'), 2);
        const context = tf.div(tf.sum(tf.mul(positioned, mask), 1, true), tf.sum(mask, 1, true));
        const mixed = tf.reshape(tf.add(positioned, context), [batch * length, hidden]);
        const rows = tf.gather(mixed, positions);
        let h = tf.tanh(tf.add(tf.matMul(rows, get('encoder.dense.weight')), get('encoder.dense.bias')));
        const { mean, variance } = tf.moments(h, 1, true);
        h = tf.add(
          tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-12))), get('encoder.LayerNorm.weight')),
          get('encoder.LayerNorm.bias'),
        );
        if (options.training) h = tf.dropout(h, 0.1, undefined, options.dropoutSeed);
        return tf.add(
          tf.matMul(h, get('embeddings.word_embeddings.weight'), false, true),
          get('cls.predictions.bias'),
        ) as tf.Tensor2D;
      });
    },
    dispose() {
      tf.dispose([...weights.values()]);
    },
  };
}
