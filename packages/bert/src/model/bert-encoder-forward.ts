import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';
import { applyActivation } from './activations.js';
import { embedWords, wordEmbeddings } from './bert-embeddings.js';
import type { DropoutContext } from './dropout.js';
import { layerNorm } from './layer-norm.js';
import { linear } from './linear.js';
import { selfAttention } from './self-attention.js';
import type { InputTensors } from './to-input-tensors.js';

/**
 * The additive attention mask of a padded key: −10000, as Devlin et al.'s original BERT code. HF uses
 * `torch.finfo(float32).min`, which is −Infinity in float16 (WebGL without float32 textures), where a
 * fully padded row would then be NaN; −10000 + any attention score stays finite in float16 (max 65504),
 * and exp(−10000) is exactly 0 in float32, so results are the same as HF's.
 */
export const attentionMaskValue = -10_000;

/** What {@link bertEncoderForward} returns; tensors belong to the caller. */
export interface BertEncoderTensors {
  readonly lastHiddenState: tf.Tensor3D;
  readonly poolerOutput?: tf.Tensor2D;
  readonly hiddenStates?: tf.Tensor3D[];
  readonly attentions?: tf.Tensor4D[];
}

/**
 * The BERT encoder of Devlin et al. (2019) with HF `BertModel`'s equations:
 * E = LayerNorm(word[ids] + position[0..S) + tokenType[types]) (word[ids] replaced by `inputsEmbeds`
 * when given; see `embedWords`); for each layer
 * A = LayerNorm(h + Dense(MHSA(h))), h' = LayerNorm(A + Dense(act(Dense(A)))) (post-LN);
 * pooler = tanh(Dense(h'_[CLS])). `parameters` maps HF names (no `bert.` prefix) to memory-layout
 * tensors. Must run inside `tf.tidy` (the caller's).
 */
export function bertEncoderForward(
  parameters: ReadonlyMap<string, tf.Tensor>,
  config: BertConfig,
  inputs: InputTensors,
  options: { outputHiddenStates: boolean; outputAttentions: boolean; pool: boolean },
  dropout: DropoutContext,
): BertEncoderTensors {
  const get = (name: string): tf.Tensor => parameters.get(name) as tf.Tensor;
  const { batch, length } = inputs;
  const hiddenSize = config.hiddenSize;
  const shape = {
    batch,
    length,
    heads: config.numAttentionHeads,
    headSize: config.headSize,
  };

  const words = inputs.inputsEmbeds
    ? tf.reshape(inputs.inputsEmbeds, [batch * length, hiddenSize])
    : wordEmbeddings(parameters, inputs.inputIds as tf.Tensor2D);
  let hidden: tf.Tensor = embedWords(parameters, config, words, inputs.tokenTypeIds, dropout);

  // [batch, 1, 1, length]: broadcast over heads and query positions; computed once for all layers.
  const additiveMask = tf.reshape(
    tf.mul(tf.sub(1, tf.cast(inputs.attentionMask, 'float32')), attentionMaskValue),
    [batch, 1, 1, length],
  );

  const to3d = (x: tf.Tensor) => tf.reshape(x, [batch, length, hiddenSize]) as tf.Tensor3D;
  const hiddenStates: tf.Tensor3D[] = [];
  const attentions: tf.Tensor4D[] = [];
  if (options.outputHiddenStates) hiddenStates.push(to3d(hidden));

  for (let layer = 0; layer < config.numHiddenLayers; layer++) {
    const prefix = `encoder.layer.${layer}`;
    const input = hidden;
    // One tidy per layer: its intermediates are freed when the layer is done (tensors the backward pass
    // needs are kept by the gradient tape regardless), so memory does not grow with depth.
    const result = tf.tidy(() => {
      const { context, probabilities } = selfAttention(
        input,
        {
          queryWeight: get(`${prefix}.attention.self.query.weight`),
          queryBias: get(`${prefix}.attention.self.query.bias`),
          keyWeight: get(`${prefix}.attention.self.key.weight`),
          keyBias: get(`${prefix}.attention.self.key.bias`),
          valueWeight: get(`${prefix}.attention.self.value.weight`),
          valueBias: get(`${prefix}.attention.self.value.bias`),
        },
        additiveMask,
        shape,
        config.attentionProbsDropoutProb,
        dropout,
        options.outputAttentions,
      );
      const dense = (x: tf.Tensor, name: string) =>
        linear(x, get(`${prefix}.${name}.weight`), get(`${prefix}.${name}.bias`));
      const norm = (x: tf.Tensor, name: string) =>
        layerNorm(x, get(`${prefix}.${name}.weight`), get(`${prefix}.${name}.bias`), config.layerNormEps);
      const attended = norm(
        tf.add(dropout.apply(dense(context, 'attention.output.dense'), config.hiddenDropoutProb), input),
        'attention.output.LayerNorm',
      );
      const intermediate = applyActivation(dense(attended, 'intermediate.dense'), config.hiddenAct);
      const output = norm(
        tf.add(dropout.apply(dense(intermediate, 'output.dense'), config.hiddenDropoutProb), attended),
        'output.LayerNorm',
      );
      return probabilities ? { output, probabilities } : { output };
    });
    hidden = result.output;
    if (result.probabilities) attentions.push(result.probabilities);
    if (options.outputHiddenStates) hiddenStates.push(to3d(hidden));
  }

  const lastHiddenState = to3d(hidden);
  let poolerOutput: tf.Tensor2D | undefined;
  if (options.pool) {
    const first = tf.reshape(tf.slice(lastHiddenState, [0, 0, 0], [batch, 1, hiddenSize]), [
      batch,
      hiddenSize,
    ]);
    poolerOutput = tf.tanh(linear(first, get('pooler.dense.weight'), get('pooler.dense.bias')));
  }
  return {
    lastHiddenState,
    ...(poolerOutput ? { poolerOutput } : {}),
    ...(options.outputHiddenStates ? { hiddenStates } : {}),
    ...(options.outputAttentions ? { attentions } : {}),
  };
}
