import type { TensorData, TokenBatch } from './tensor-data.js';

/** A batch of token ids for an encoder, padded to one length. */
export interface EncoderInput {
  /** `[batch, sequence]` token ids. */
  readonly inputIds: TokenBatch;
  /** `[batch, sequence]`, 1 for real tokens and 0 for padding; all ones when omitted. */
  readonly attentionMask?: TokenBatch;
  /** `[batch, sequence]` segment ids; all zeros when omitted. */
  readonly tokenTypeIds?: TokenBatch;
}

/** What an encoder call should return beyond the last hidden state. */
export interface EncoderOutputOptions {
  /** Return the embeddings output and every layer's output (`numHiddenLayers + 1` entries). */
  readonly outputHiddenStates?: boolean;
  /** Return each layer's attention probabilities, `[batch, heads, sequence, sequence]`. */
  readonly outputAttentions?: boolean;
}

/**
 * The outputs of an encoder, as HuggingFace `BaseModelOutputWithPooling`. `TTensor` is the engine's
 * tensor type for in-graph use (a tfjs `Tensor`) or {@link TensorData} for engine-neutral results.
 *
 * @example
 * ```ts
 * const output = await encoder.encode({ inputIds: [[101, 7592, 102]] }, { outputHiddenStates: true });
 * output.lastHiddenState.shape; // [1, 3, hiddenSize]
 * output.hiddenStates?.length; // numHiddenLayers + 1
 * ```
 */
export interface EncoderOutput<TTensor = TensorData> {
  /** `[batch, sequence, hiddenSize]`. */
  readonly lastHiddenState: TTensor;
  /** `[batch, hiddenSize]`: tanh(W·h_[CLS] + b); absent for encoders without a pooler. */
  readonly poolerOutput?: TTensor;
  readonly hiddenStates?: readonly TTensor[];
  readonly attentions?: readonly TTensor[];
}

/** Static facts about an encoder that consumers size their own layers from. */
export interface EncoderInfo {
  /** Library-neutral architecture name, e.g. `'bert'`. */
  readonly modelType: string;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  /** The longest sequence the encoder accepts, specials included. */
  readonly maxPositionEmbeddings: number;
  readonly vocabSize: number;
}

/**
 * Any text encoder that turns token ids into contextual vectors: a TensorFlow.js BERT, an ONNX Runtime
 * session, a remote service. `encode` is asynchronous and returns engine-neutral {@link TensorData}, so
 * keyword extraction, pooling and services are written once for every engine.
 *
 * Implementations MUST accept padded batches and honour `attentionMask`; they SHOULD reject sequences
 * longer than `info.maxPositionEmbeddings` with an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * const { lastHiddenState } = await encoder.encode({ inputIds: [[101, 7592, 102]] });
 * lastHiddenState.shape; // [1, 3, encoder.info.hiddenSize]
 * ```
 */
export interface Encoder {
  readonly info: EncoderInfo;
  encode(input: EncoderInput, options?: EncoderOutputOptions): Promise<EncoderOutput<TensorData>>;
  /** Release engine resources (weights, sessions). Calling it twice is harmless. */
  dispose(): void;
}

/**
 * Options of one differentiable forward pass (an encoder's, a head's, a prompt's).
 *
 * @example
 * ```ts
 * const options: ForwardOptions = { training: true, dropoutSeed: step };
 * head.forward(hiddenStates, attentionMask, options);
 * ```
 */
export interface ForwardOptions {
  /** Turn dropout on (default false). */
  readonly training?: boolean;
  /**
   * Seed of this pass's dropout masks (only with `training`), so a step can be repeated exactly (a
   * resumed run, a gradient check); random masks when omitted.
   */
  readonly dropoutSeed?: number;
}

/**
 * An encoder whose forward pass runs inside a tensor library's graph, so heads and prompts can train
 * through it. `TTensor` is that library's tensor type and `TVariable` its trainable-variable type
 * (`tf.Tensor` / `tf.Variable` for TensorFlow.js); `@icd/core` never imports either.
 *
 * `forward` is synchronous and returns tensors the caller owns (dispose them, or call it inside
 * `tf.tidy`). `training: true` turns dropout on; `dropoutSeed` fixes its masks. The input holds either
 * token ids or, for soft prompts, `inputsEmbeds` (word vectors; see {@link EncoderTensorInput}).
 *
 * Every trainable piece of the project has this one shape (see AGENTS.md): plain tensor ops over named
 * variables, `weights` under HuggingFace-style names, `dispose()`.
 *
 * @example
 * ```ts
 * const table = encoder.getInputEmbeddings(); // [vocabSize, hiddenSize]
 * const words = tf.gather(table, ids); // [batch, sequence, hidden]
 * const { lastHiddenState } = encoder.forward({ inputsEmbeds: tf.concat([softPrompt, words], 1) }, { training: true });
 * ```
 */
export interface DifferentiableEncoder<TTensor, TVariable extends TTensor = TTensor> extends Encoder {
  /** Trainable parameters by HuggingFace name (`embeddings.word_embeddings.weight`, ...). */
  readonly weights: ReadonlyMap<string, TVariable>;
  forward(
    input: EncoderInput | EncoderTensorInput<TTensor>,
    options?: EncoderOutputOptions & ForwardOptions,
  ): EncoderOutput<TTensor>;
  /**
   * The word-embedding table `[vocabSize, hiddenSize]` that token ids are looked up in (HF
   * `get_input_embeddings().weight`): one of {@link weights}, not a copy.
   */
  getInputEmbeddings(): TVariable;
}

/**
 * An {@link EncoderInput} whose fields are already tensors of the encoder's library. Exactly one of
 * `inputIds` (`[batch, sequence]` int32) and `inputsEmbeds` (`[batch, sequence, hiddenSize]` float32:
 * word vectors that replace the embedding lookup; position and token-type embeddings, LayerNorm and
 * dropout still follow, as HF `inputs_embeds`) is given; encoders throw an `InvalidArgumentError` for
 * both or neither.
 *
 * @example
 * ```ts
 * const byIds: EncoderTensorInput<tf.Tensor> = { inputIds: tf.tensor2d([[2, 8, 3]], undefined, 'int32') };
 * const byVectors: EncoderTensorInput<tf.Tensor> = { inputsEmbeds: tf.zeros([1, 3, 16]) };
 * ```
 */
export type EncoderTensorInput<TTensor> =
  | (EncoderTensorMasks<TTensor> & { readonly inputIds: TTensor; readonly inputsEmbeds?: undefined })
  | (EncoderTensorMasks<TTensor> & { readonly inputsEmbeds: TTensor; readonly inputIds?: undefined });

/**
 * The optional `[batch, sequence]` inputs of an {@link EncoderTensorInput}: tensors, or plain
 * {@link TokenBatch}es (a soft prompt's vectors are tensors, its mask is often an array).
 *
 * @example
 * ```ts
 * const masks: EncoderTensorMasks<tf.Tensor> = { attentionMask: tf.ones([1, 3], 'int32'), tokenTypeIds: [[0, 0, 0]] };
 * ```
 */
export interface EncoderTensorMasks<TTensor> {
  /** 1 for real tokens and 0 for padding; all ones when omitted. */
  readonly attentionMask?: TTensor | TokenBatch;
  /** Segment ids; all zeros when omitted. */
  readonly tokenTypeIds?: TTensor | TokenBatch;
}
