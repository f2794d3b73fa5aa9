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
 * An encoder whose forward pass runs inside a tensor library's graph, so heads and prompts can train
 * through it. `TTensor` is that library's tensor type; `@icd/core` never imports it.
 *
 * `forward` is synchronous and returns tensors the caller owns (dispose them, or call it inside
 * `tf.tidy`). `training: true` turns dropout on.
 */
export interface DifferentiableEncoder<TTensor> extends Encoder {
  forward(
    input: EncoderInput | EncoderTensorInput<TTensor>,
    options?: EncoderOutputOptions & { readonly training?: boolean },
  ): EncoderOutput<TTensor>;
}

/** An {@link EncoderInput} whose fields are already tensors of the encoder's library. */
export interface EncoderTensorInput<TTensor> {
  readonly inputIds: TTensor;
  readonly attentionMask?: TTensor;
  readonly tokenTypeIds?: TTensor;
}
