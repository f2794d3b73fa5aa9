import type {
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  MaskedLanguageModel,
  MaskedLMOutput,
  TensorData,
  TokenBatch,
} from '@icd/core';
import { invalidArgument, UnsupportedError } from '@icd/core';
import { type EmbeddingsInput, toInt64Matrix } from './feeds.js';
import { type OnnxLoadOptions, type OnnxModelSource, OnnxSessionModel } from './onnx-session-model.js';

/**
 * Masked-LM outputs at chosen positions: `logits` `[batch, positions, vocab]` and the MLM head transform
 * `transformedHiddenState` `[batch, positions, hidden]` (LayerNorm(act(Dense(h))), the decoder's input,
 * which soft verbalizers project on their own label embeddings).
 *
 * @example
 * ```ts
 * const { logits, transformedHiddenState }: MaskedPositionsOutput = await mlm.predictAt({ inputIds: [[2, 4, 3]] }, [[1]]);
 * ```
 */
export interface MaskedPositionsOutput {
  readonly logits: TensorData;
  readonly transformedHiddenState: TensorData;
}

/**
 * A BERT masked LM on ONNX Runtime implementing `@icd/core`'s `MaskedLanguageModel`, over a file written
 * by {@link exportOnnx} with `task: 'maskedLM'` (or HF optimum's `fill-mask` export, which has `logits`
 * only). A model exported with `maskedPositions: true` computes the head only at the positions given
 * to {@link OnnxMaskedLM.predictAt} (e.g. the `[MASK]` of each prompt).
 *
 * @example
 * ```ts
 * const mlm = await OnnxMaskedLM.load(await exportOnnx(bertForMaskedLM));
 * const { logits } = await mlm.predictMasked({ inputIds: [[2, 4, 3]] });
 * logits.shape; // [1, 3, vocabSize]
 * mlm.dispose();
 * ```
 */
export class OnnxMaskedLM extends OnnxSessionModel implements MaskedLanguageModel {
  /** Loads ONNX bytes (or fetches a URL) into an onnxruntime session. */
  static async load(source: OnnxModelSource, options: OnnxLoadOptions = {}): Promise<OnnxMaskedLM> {
    const { runtime, session, config } = await OnnxSessionModel.createSession(
      'OnnxMaskedLM.load',
      source,
      options,
    );
    return new OnnxMaskedLM(runtime, session, config);
  }

  /** Whether the graph takes `masked_positions` (then use {@link predictAt}). */
  get takesPositions(): boolean {
    return this.inputNames.includes('masked_positions');
  }

  /** Encoder outputs (the graph must have `last_hidden_state`, as every `exportOnnx` masked LM has). */
  async encode(
    input: EncoderInput | EmbeddingsInput,
    options: EncoderOutputOptions = {},
  ): Promise<EncoderOutput<TensorData>> {
    this.refusePositions('OnnxMaskedLM.encode');
    const output = await this.runSession('OnnxMaskedLM.encode', input, this.encoderFetches(), {}, options);
    return {
      lastHiddenState: output.last_hidden_state as TensorData,
      ...(output.pooler_output ? { poolerOutput: output.pooler_output } : {}),
    };
  }

  /** Logits over every position, `[batch, sequence, vocab]`, plus the encoder outputs the graph has. */
  async predictMasked(
    input: EncoderInput | EmbeddingsInput,
    options: EncoderOutputOptions = {},
  ): Promise<MaskedLMOutput<TensorData>> {
    this.refusePositions('OnnxMaskedLM.predictMasked');
    const extra = this.outputNames.includes('last_hidden_state') ? this.encoderFetches() : [];
    const output = await this.runSession(
      'OnnxMaskedLM.predictMasked',
      input,
      ['logits', ...extra],
      {},
      options,
    );
    return {
      logits: output.logits as TensorData,
      ...(output.last_hidden_state ? { lastHiddenState: output.last_hidden_state } : {}),
      ...(output.pooler_output ? { poolerOutput: output.pooler_output } : {}),
    };
  }

  /**
   * Logits and head transform at `positions` (`[batch, positions]` indices into each sequence) for a
   * model exported with `maskedPositions: true`.
   */
  async predictAt(
    input: EncoderInput | EmbeddingsInput,
    positions: TokenBatch,
  ): Promise<MaskedPositionsOutput> {
    const fn = 'OnnxMaskedLM.predictAt';
    if (!this.takesPositions) {
      throw new UnsupportedError({
        feature: 'onnx-masked-positions',
        message: `${fn}: this ONNX model computes logits at every position; export it with maskedPositions: true, or use predictMasked`,
      });
    }
    const length =
      'inputsEmbeds' in input ? (input.inputsEmbeds.shape[1] ?? 0) : sequenceLength(input.inputIds);
    const matrix = toInt64Matrix(fn, 'positions', positions, {
      max: length,
      expected: `a position in [0, ${length - 1}]`,
    });
    const rows = 'inputsEmbeds' in input ? (input.inputsEmbeds.shape[0] ?? 0) : batchSize(input.inputIds);
    if (matrix.rows !== rows) {
      invalidArgument(
        fn,
        'positions',
        `one row of positions per sequence (${rows} rows)`,
        `${matrix.rows} rows`,
      );
    }
    const feed = new this.runtime.Tensor('int64', matrix.data, [matrix.rows, matrix.columns]);
    const output = await this.runSession(fn, input, ['logits', 'transformed_hidden_state'], {
      masked_positions: feed,
    });
    return {
      logits: output.logits as TensorData,
      transformedHiddenState: output.transformed_hidden_state as TensorData,
    };
  }

  private encoderFetches(): string[] {
    return ['last_hidden_state', ...(this.outputNames.includes('pooler_output') ? ['pooler_output'] : [])];
  }

  private refusePositions(fn: string): void {
    if (this.takesPositions) {
      throw new UnsupportedError({
        feature: 'onnx-masked-positions',
        message: `${fn}: this ONNX model was exported with maskedPositions: true; call predictAt(input, positions)`,
      });
    }
  }
}

function sequenceLength(batch: TokenBatch): number {
  return Array.isArray(batch)
    ? ((batch[0] as readonly number[] | undefined)?.length ?? 0)
    : ((batch as TensorData<Int32Array>).shape[1] ?? 0);
}

function batchSize(batch: TokenBatch): number {
  return Array.isArray(batch) ? batch.length : ((batch as TensorData<Int32Array>).shape[0] ?? 0);
}
