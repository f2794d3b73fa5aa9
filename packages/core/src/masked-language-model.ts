import type {
  DifferentiableEncoder,
  Encoder,
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  EncoderTensorInput,
  ForwardOptions,
} from './encoder.js';
import type { TensorData } from './tensor-data.js';

/** Outputs of a masked-language-model call. */
export interface MaskedLMOutput<TTensor = TensorData> extends Partial<EncoderOutput<TTensor>> {
  /**
   * Prediction scores (before softmax): `[batch, sequence, vocabSize]`, or `[n, vocabSize]` when
   * `positions` were given (row i scores position `positions[i]`).
   */
  readonly logits: TTensor;
}

/**
 * Options of a masked-LM call: the encoder outputs to return, and the positions to score.
 *
 * @example
 * ```ts
 * // Score only the [MASK] of row 0 (column 4) and row 1 (column 2) of a [2, 16] batch.
 * const options: MaskedLMOptions = { positions: [0 * 16 + 4, 1 * 16 + 2] };
 * const { logits } = await mlm.predictMasked(input, options); // [2, vocabSize]
 * ```
 */
export interface MaskedLMOptions<TPositions = readonly number[]> extends EncoderOutputOptions {
  /**
   * Flat indices `row · sequenceLength + column` into the batch: the vocabulary projection (the most
   * expensive matrix product of a small BERT) then runs on these positions only, and `logits` is
   * `[positions.length, vocabSize]`. All positions when omitted.
   */
  readonly positions?: TPositions;
}

/**
 * An encoder with a masked-language-model head: what prompt learning fills the `[MASK]` with and what
 * continued pretraining trains.
 *
 * @example
 * ```ts
 * const { logits } = await mlm.predictMasked({ inputIds: [[101, 103, 102]] });
 * logits.shape; // [1, 3, mlm.info.vocabSize]
 * const atMask = await mlm.predictMasked({ inputIds: [[101, 103, 102]] }, { positions: [1] });
 * atMask.logits.shape; // [1, mlm.info.vocabSize]
 * ```
 */
export interface MaskedLanguageModel extends Encoder {
  predictMasked(input: EncoderInput, options?: MaskedLMOptions): Promise<MaskedLMOutput<TensorData>>;
}

/**
 * The decoder of a masked-LM head (HF `cls.predictions.decoder`): logits = t·weightᵀ + bias for a
 * transformed hidden state t. In BERT `weight` is tied to the input word embeddings.
 *
 * @example
 * ```ts
 * const { weight, bias } = mlm.getMaskedLMDecoder(); // [vocabSize, hidden], [vocabSize]
 * const labelRows = tf.gather(weight, labelWordIds); // a soft verbalizer's starting point
 * ```
 */
export interface MaskedLMDecoder<TTensor> {
  /** `[vocabSize, hiddenSize]`. */
  readonly weight: TTensor;
  /** `[vocabSize]`. */
  readonly bias: TTensor;
}

/**
 * A masked-language model whose forward pass runs in a tensor library's graph (see
 * {@link DifferentiableEncoder}). `forward` returns encoder outputs only; `forwardMasked` adds the
 * vocabulary logits (at chosen `positions` only, if given). The head is split as HF
 * `BertLMPredictionHead`, so a soft verbalizer can keep the transform and replace the decoder:
 * logits = {@link getMaskedLMDecoder}(transformMaskedLM(h)).
 *
 * @example
 * ```ts
 * const { lastHiddenState } = mlm.forward(input);
 * const rows = tf.gather(tf.reshape(lastHiddenState, [-1, hidden]), maskPositions);
 * const transformed = mlm.transformMaskedLM(rows); // [n, hidden]
 * const labelLogits = tf.matMul(transformed, verbalizerWeight, false, true); // [n, labels]
 * ```
 */
export interface DifferentiableMaskedLanguageModel<TTensor, TVariable extends TTensor = TTensor>
  extends MaskedLanguageModel,
    DifferentiableEncoder<TTensor, TVariable> {
  forwardMasked(
    input: EncoderInput | EncoderTensorInput<TTensor>,
    options?: MaskedLMOptions<TTensor | readonly number[]> & ForwardOptions,
  ): MaskedLMOutput<TTensor>;
  /** The head's transform (HF `cls.predictions.transform`: dense, activation, LayerNorm): `[..., hidden]` → `[..., hidden]`. */
  transformMaskedLM(hiddenStates: TTensor): TTensor;
  /** The head's decoder weight and bias (variables of {@link DifferentiableEncoder.weights}, not copies). */
  getMaskedLMDecoder(): MaskedLMDecoder<TVariable>;
}
