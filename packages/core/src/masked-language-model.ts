import type {
  DifferentiableEncoder,
  Encoder,
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  EncoderTensorInput,
} from './encoder.js';
import type { TensorData } from './tensor-data.js';

/** Outputs of a masked-language-model call. */
export interface MaskedLMOutput<TTensor = TensorData> extends Partial<EncoderOutput<TTensor>> {
  /** `[batch, sequence, vocabSize]` prediction scores (before softmax). */
  readonly logits: TTensor;
}

/**
 * An encoder with a masked-language-model head: what prompt learning fills the `[MASK]` with and what
 * continued pretraining trains.
 *
 * @example
 * ```ts
 * const { logits } = await mlm.predictMasked({ inputIds: [[101, 103, 102]] });
 * logits.shape; // [1, 3, mlm.info.vocabSize]
 * ```
 */
export interface MaskedLanguageModel extends Encoder {
  predictMasked(input: EncoderInput, options?: EncoderOutputOptions): Promise<MaskedLMOutput<TensorData>>;
}

/** A masked-language model whose forward pass runs in a tensor library's graph (see {@link DifferentiableEncoder}). */
export interface DifferentiableMaskedLanguageModel<TTensor>
  extends MaskedLanguageModel,
    DifferentiableEncoder<TTensor> {
  forwardMasked(
    input: EncoderInput | EncoderTensorInput<TTensor>,
    options?: EncoderOutputOptions & { readonly training?: boolean },
  ): MaskedLMOutput<TTensor>;
}
