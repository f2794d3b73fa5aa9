import type { Encoder, TokenizerLike } from '@icd/core';
import { invalidArgument } from '@icd/core';

/** A note's tokens with their contextual vectors, averaged over the windows that hold each token. */
export interface ContextualTokens {
  /** `[start, end)` character offsets of each content token (specials excluded). */
  readonly offsets: readonly (readonly [number, number])[];
  /** `[tokens × hiddenSize]`, row-major. */
  readonly vectors: Float64Array;
  /** Mean of every window's content-token vectors (a token in two windows counts twice): eqs. 1–2. */
  readonly document: Float64Array;
  readonly windows: number;
}

/**
 * How texts are cut into encoder windows.
 *
 * @example
 * ```ts
 * const windows: WindowOptions = { maxLength: 512, stride: 128, batchSize: 8 };
 * ```
 */
export interface WindowOptions {
  /** Window length, specials included (default min(512, maxPositionEmbeddings)). */
  readonly maxLength?: number;
  /** Tokens shared by neighbouring windows (default maxLength / 4). */
  readonly stride?: number;
  /** Windows per encoder call (default 8). */
  readonly batchSize?: number;
}

interface Window {
  readonly owner: number;
  readonly first: number;
  readonly ids: readonly number[];
}

/**
 * Encodes texts in overlapping windows — every window of every text in shared batches, one encoder
 * pass per window — and returns each text's content tokens with contextual vectors and its mean
 * document vector. Tokenizes without specials, then adds `[CLS]`/`[SEP]` to each window, so any
 * {@link TokenizerLike} works (overflow support not needed).
 */
export async function encodeContextualTokens(
  encoder: Encoder,
  tokenizer: TokenizerLike,
  texts: readonly string[],
  options: WindowOptions = {},
  fn = 'encodeContextualTokens',
): Promise<ContextualTokens[]> {
  const maxLength = options.maxLength ?? Math.min(512, encoder.info.maxPositionEmbeddings);
  if (!Number.isInteger(maxLength) || maxLength < 3 || maxLength > encoder.info.maxPositionEmbeddings) {
    invalidArgument(fn, 'maxLength', `an integer in [3, ${encoder.info.maxPositionEmbeddings}]`, maxLength);
  }
  const stride = options.stride ?? Math.floor(maxLength / 4);
  if (!Number.isInteger(stride) || stride < 0 || stride > maxLength - 3) {
    invalidArgument(fn, 'stride', `an integer in [0, ${maxLength - 3}]`, stride);
  }
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    invalidArgument(fn, 'batchSize', 'an integer >= 1', batchSize);
  const special = (token: string) => {
    const id = tokenizer.tokenToId(token);
    if (id === undefined) invalidArgument(fn, 'tokenizer', `a vocabulary with '${token}'`, token);
    return id;
  };
  const cls = special(tokenizer.specialTokens.cls);
  const sep = special(tokenizer.specialTokens.sep);
  const pad = tokenizer.tokenToId(tokenizer.specialTokens.pad) ?? 0;
  const content = maxLength - 2;
  const step = content - stride;

  const encodings = texts.map((text) => tokenizer.encode(text, null, { addSpecialTokens: false }));
  const windows: Window[] = [];
  encodings.forEach((encoding, owner) => {
    const length = encoding.ids.length;
    for (let first = 0; ; first += step) {
      windows.push({ owner, first, ids: [cls, ...encoding.ids.slice(first, first + content), sep] });
      if (first + content >= length) break;
    }
  });
  const width = encoder.info.hiddenSize;
  const sums = encodings.map((encoding) => new Float64Array(encoding.ids.length * width));
  const counts = encodings.map((encoding) => new Float64Array(encoding.ids.length));
  const documents = encodings.map(() => new Float64Array(width));
  const pooled = new Float64Array(encodings.length);
  const windowCounts = new Int32Array(encodings.length);

  for (let start = 0; start < windows.length; start += batchSize) {
    const group = windows.slice(start, start + batchSize);
    const length = Math.max(...group.map((window) => window.ids.length));
    const inputIds = new Int32Array(group.length * length).fill(pad);
    const attentionMask = new Int32Array(group.length * length);
    group.forEach((window, row) => {
      inputIds.set(window.ids, row * length);
      attentionMask.fill(1, row * length, row * length + window.ids.length);
    });
    const shape = [group.length, length];
    const { lastHiddenState } = await encoder.encode({
      inputIds: { data: inputIds, shape },
      attentionMask: { data: attentionMask, shape },
    });
    const hidden = lastHiddenState.data;
    group.forEach((window, row) => {
      const { owner, first } = window;
      windowCounts[owner]!++;
      const sum = sums[owner]!;
      const document = documents[owner]!;
      // Columns 1..n-2 are the window's content tokens.
      for (let column = 1; column < window.ids.length - 1; column++) {
        const token = first + column - 1;
        const offset = (row * length + column) * width;
        for (let d = 0; d < width; d++) {
          const value = hidden[offset + d]!;
          sum[token * width + d]! += value;
          document[d]! += value;
        }
        counts[owner]![token]!++;
        pooled[owner]!++;
      }
    });
  }
  return encodings.map((encoding, owner) => {
    const vectors = sums[owner]!;
    const count = counts[owner]!;
    for (let token = 0; token < count.length; token++) {
      for (let d = 0; d < width; d++) vectors[token * width + d]! /= Math.max(count[token]!, 1);
    }
    const document = documents[owner]!;
    for (let d = 0; d < width; d++) document[d]! /= Math.max(pooled[owner]!, 1);
    return { offsets: encoding.offsets, vectors, document, windows: windowCounts[owner]! };
  });
}

/** Mean of the rows `tokens` of a row-major `[n × width]` matrix. */
export function meanRows(matrix: Float64Array, width: number, tokens: readonly number[]): Float64Array {
  const mean = new Float64Array(width);
  for (const token of tokens) for (let d = 0; d < width; d++) mean[d]! += matrix[token * width + d]!;
  for (let d = 0; d < width; d++) mean[d]! /= Math.max(tokens.length, 1);
  return mean;
}
