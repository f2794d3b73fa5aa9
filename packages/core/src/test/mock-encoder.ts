import type { Encoder, EncoderInfo, EncoderInput, EncoderOutput, EncoderOutputOptions } from '../encoder.js';
import { invalidArgument } from '../errors/validate.js';
import type { MaskedLanguageModel, MaskedLMOptions, MaskedLMOutput } from '../masked-language-model.js';
import type { TensorData } from '../tensor-data.js';
import { tokenBatchToRows } from './to-rows.js';

/** A deterministic value in [-1, 1) for (token id, dimension): a fixed hash, no state. */
function embeddingValue(tokenId: number, dimension: number): number {
  let h = Math.imul(tokenId + 1, 0x9e3779b1) ^ Math.imul(dimension + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 2 ** 31 - 1;
}

/** One recorded call of a mock. */
export interface MockCall {
  readonly method: 'encode' | 'predictMasked';
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly options: EncoderOutputOptions | undefined;
}

/**
 * An {@link Encoder} for tests of packages that consume encoders (keyword extraction, pooling, services)
 * without loading a model. The hidden state of a token is a fixed pseudo-random vector of its id, so
 * equal tokens get equal vectors and results are reproducible; padding positions (mask 0) are zeros.
 * Every call is recorded in `calls`.
 *
 * @example
 * ```ts
 * const encoder = new MockEncoder({ hiddenSize: 8 });
 * const { lastHiddenState } = await encoder.encode({ inputIds: [[1, 2, 3]] });
 * encoder.calls.length; // 1
 * ```
 */
export class MockEncoder implements Encoder {
  readonly info: EncoderInfo;
  readonly calls: MockCall[] = [];
  disposed = false;

  constructor({
    hiddenSize = 8,
    vocabSize = 1000,
    maxPositionEmbeddings = 512,
  }: { hiddenSize?: number; vocabSize?: number; maxPositionEmbeddings?: number } = {}) {
    this.info = {
      modelType: 'mock',
      hiddenSize,
      numHiddenLayers: 1,
      numAttentionHeads: 1,
      maxPositionEmbeddings,
      vocabSize,
    };
  }

  /** The fixed vector of a token id (what `encode` returns for it at any position). */
  tokenVector(tokenId: number): Float32Array {
    const vector = new Float32Array(this.info.hiddenSize);
    for (let d = 0; d < vector.length; d++) vector[d] = embeddingValue(tokenId, d);
    return vector;
  }

  protected record(method: MockCall['method'], input: EncoderInput, options?: EncoderOutputOptions) {
    if (this.disposed) invalidArgument(method, 'this', 'an encoder that has not been disposed', 'disposed');
    const inputIds = tokenBatchToRows(method, 'inputIds', input.inputIds);
    const attentionMask = input.attentionMask
      ? tokenBatchToRows(method, 'attentionMask', input.attentionMask)
      : inputIds.map((row) => row.map(() => 1));
    for (const row of inputIds) {
      if (row.length > this.info.maxPositionEmbeddings) {
        invalidArgument(
          method,
          'inputIds',
          `rows of at most ${this.info.maxPositionEmbeddings} tokens`,
          row.length,
        );
      }
      for (const id of row) {
        if (!Number.isInteger(id) || id < 0 || id >= this.info.vocabSize) {
          invalidArgument(method, 'inputIds', `token ids in [0, ${this.info.vocabSize})`, id);
        }
      }
    }
    this.calls.push({ method, inputIds, attentionMask, options });
    return { inputIds, attentionMask };
  }

  protected hidden(inputIds: number[][], attentionMask: number[][]): TensorData {
    const batch = inputIds.length;
    const length = inputIds[0]?.length ?? 0;
    const size = this.info.hiddenSize;
    const data = new Float32Array(batch * length * size);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < length; t++) {
        if (attentionMask[b]![t] === 0) continue;
        const id = inputIds[b]![t]!;
        const offset = (b * length + t) * size;
        for (let d = 0; d < size; d++) data[offset + d] = embeddingValue(id, d);
      }
    }
    return { data, shape: [batch, length, size] };
  }

  async encode(input: EncoderInput, options?: EncoderOutputOptions): Promise<EncoderOutput> {
    const { inputIds, attentionMask } = this.record('encode', input, options);
    const lastHiddenState = this.hidden(inputIds, attentionMask);
    const [batch, length, size] = lastHiddenState.shape as [number, number, number];
    const pooled = new Float32Array(batch * size);
    for (let b = 0; b < batch; b++)
      pooled.set(lastHiddenState.data.subarray(b * length * size, b * length * size + size), b * size);
    return {
      lastHiddenState,
      poolerOutput: { data: pooled, shape: [batch, size] },
      ...(options?.outputHiddenStates ? { hiddenStates: [lastHiddenState, lastHiddenState] } : {}),
    };
  }

  dispose(): void {
    this.disposed = true;
  }
}

/**
 * A {@link MaskedLanguageModel} for tests of prompt learning: the logit of vocabulary token `v` at a
 * position is the dot product of that position's mock hidden vector with token `v`'s vector, so a
 * position holding token `v` scores `v` highest (a perfect "copy" model), which makes expected
 * predictions easy to reason about. With `positions`, only those rows are scored (`[n, vocab]`).
 *
 * @example
 * ```ts
 * const mlm = new MockMaskedLM({ hiddenSize: 32, vocabSize: 20 });
 * const { logits } = await mlm.predictMasked({ inputIds: [[2, 9, 3]] }, { positions: [1] });
 * logits.shape; // [1, 20]; the largest logit is at index 9
 * ```
 */
export class MockMaskedLM extends MockEncoder implements MaskedLanguageModel {
  async predictMasked(input: EncoderInput, options?: MaskedLMOptions): Promise<MaskedLMOutput> {
    const { inputIds, attentionMask } = this.record('predictMasked', input, options);
    const hidden = this.hidden(inputIds, attentionMask);
    const [batch, length, size] = hidden.shape as [number, number, number];
    const positions = options?.positions ?? Array.from({ length: batch * length }, (_, p) => p);
    if (!Array.isArray(positions)) {
      invalidArgument('predictMasked', 'positions', 'an array of flat indices', positions);
    }
    for (const position of positions) {
      if (!Number.isInteger(position) || position < 0 || position >= batch * length) {
        invalidArgument('predictMasked', 'positions', `flat indices in [0, ${batch * length})`, position);
      }
    }
    const vocab = this.info.vocabSize;
    const table = new Float32Array(vocab * size);
    for (let v = 0; v < vocab; v++) table.set(this.tokenVector(v), v * size);
    const logits = new Float32Array(positions.length * vocab);
    positions.forEach((p, row) => {
      for (let v = 0; v < vocab; v++) {
        let dot = 0;
        for (let d = 0; d < size; d++) dot += hidden.data[p * size + d]! * table[v * size + d]!;
        logits[row * vocab + v] = dot;
      }
    });
    const shape = options?.positions ? [positions.length, vocab] : [batch, length, vocab];
    return { logits: { data: logits, shape }, lastHiddenState: hidden };
  }
}
