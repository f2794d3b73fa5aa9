import type {
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  MaskedLanguageModel,
  MaskedLMOptions,
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
  /** `[batch, positions, hidden]`: the last hidden state at those positions (the head's input). */
  readonly hiddenState?: TensorData;
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
  /** Loads ONNX bytes, a file (Node) or a URL (fetched) into an onnxruntime session. */
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

  /**
   * Logits over every position, `[batch, sequence, vocab]`, plus the encoder outputs the graph has; with
   * `options.positions` (flat indices `row · sequence + column`, `@icd/core`'s `MaskedLMOptions`) the logits
   * of those positions only, `[positions.length, vocab]`. A model exported with `maskedPositions: true`
   * needs `positions` (the same number in every row, e.g. one `[MASK]` per prompt) and then returns the
   * logits only.
   */
  async predictMasked(
    input: EncoderInput | EmbeddingsInput,
    options: MaskedLMOptions = {},
  ): Promise<MaskedLMOutput<TensorData>> {
    const fn = 'OnnxMaskedLM.predictMasked';
    const { positions, ...encoderOptions } = options;
    const [rows, length] = inputShape(input);
    if (positions !== undefined) {
      if (!Array.isArray(positions) || positions.length === 0)
        invalidArgument(
          fn,
          'options.positions',
          'a non-empty array of flat indices row · sequence + column',
          positions,
        );
      for (const position of positions)
        if (!Number.isInteger(position) || position < 0 || position >= rows * length)
          invalidArgument(fn, 'options.positions', `flat indices in [0, ${rows * length - 1}]`, position);
    }
    if (this.takesPositions) {
      if (positions === undefined) this.refusePositions(fn);
      return {
        logits: await this.logitsAtFlatPositions(fn, input, positions as readonly number[], rows, length),
      };
    }
    const extra = this.outputNames.includes('last_hidden_state') ? this.encoderFetches() : [];
    const output = await this.runSession(fn, input, ['logits', ...extra], {}, encoderOptions);
    const logits = output.logits as TensorData;
    return {
      logits: positions === undefined ? logits : gatherRows(logits, positions, this.config.vocabSize),
      ...(output.last_hidden_state ? { lastHiddenState: output.last_hidden_state } : {}),
      ...(output.pooler_output ? { poolerOutput: output.pooler_output } : {}),
    };
  }

  /** Flat positions on a `masked_positions` graph: the same count per row, fed as `[batch, k]`. */
  private async logitsAtFlatPositions(
    fn: string,
    input: EncoderInput | EmbeddingsInput,
    positions: readonly number[],
    rows: number,
    length: number,
  ): Promise<TensorData> {
    const perRow: number[][] = Array.from({ length: rows }, () => []);
    for (const position of positions) perRow[Math.floor(position / length)]?.push(position % length);
    const count = perRow[0]?.length ?? 0;
    if (count === 0 || perRow.some((row) => row.length !== count)) {
      throw new UnsupportedError({
        feature: 'onnx-ragged-positions',
        message: `${fn}: a model exported with maskedPositions: true scores the same number of positions in every row; give options.positions with ${count || 'k'} per row, or export without maskedPositions`,
      });
    }
    const { logits } = await this.predictAt(input, perRow);
    // predictAt's rows follow each row's positions in the given order; put them back in the caller's order.
    const seen = new Array<number>(rows).fill(0);
    const order = positions.map((position) => {
      const row = Math.floor(position / length);
      return row * count + (seen[row] as number)++;
    });
    return gatherRows(logits, order, this.config.vocabSize);
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
    const hidden = this.outputNames.includes('last_hidden_state');
    const output = await this.runSession(
      fn,
      input,
      ['logits', 'transformed_hidden_state', ...(hidden ? ['last_hidden_state'] : [])],
      { masked_positions: feed },
    );
    return {
      logits: output.logits as TensorData,
      transformedHiddenState: output.transformed_hidden_state as TensorData,
      ...(output.last_hidden_state
        ? { hiddenState: gatherPositions(output.last_hidden_state, matrix.data, matrix.columns) }
        : {}),
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

function inputShape(input: EncoderInput | EmbeddingsInput): [number, number] {
  if (typeof input !== 'object' || input === null) return [0, 0];
  if ('inputsEmbeds' in input) {
    const shape = input.inputsEmbeds?.shape ?? [];
    return [shape[0] ?? 0, shape[1] ?? 0];
  }
  return [batchSize(input.inputIds), sequenceLength(input.inputIds)];
}

/** Rows `indices` of a `[..., width]` tensor as `[indices.length, width]`. */
function gatherRows(tensor: TensorData, indices: readonly number[], width: number): TensorData {
  const data = new Float32Array(indices.length * width);
  indices.forEach((row, index) => {
    data.set((tensor.data as Float32Array).subarray(row * width, (row + 1) * width), index * width);
  });
  return { data, shape: [indices.length, width] };
}

/** `hidden[b, positions[b, k]]` of a `[batch, sequence, hidden]` tensor as `[batch, k, hidden]`. */
function gatherPositions(hidden: TensorData, positions: BigInt64Array, count: number): TensorData {
  const [rows, length, width] = hidden.shape as [number, number, number];
  const data = new Float32Array(rows * count * width);
  for (let row = 0; row < rows; row++) {
    for (let k = 0; k < count; k++) {
      const column = Number(positions[row * count + k]);
      const from = (row * length + column) * width;
      data.set((hidden.data as Float32Array).subarray(from, from + width), (row * count + k) * width);
    }
  }
  return { data, shape: [rows, count, width] };
}
