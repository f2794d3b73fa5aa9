import type { Encoder, Encoding, TokenizerLike } from '@icd/core';
import { assertInteger, assertOneOf, invalidArgument } from '@icd/core';

/**
 * How token vectors of all windows become one document vector.
 *
 * @example
 * ```ts
 * await poolWindows(encoder, encoding, { pooling: windowPoolings[1] }); // 'max'
 * ```
 */
export const windowPoolings = ['mean', 'max', 'first'] as const;

/**
 * One of {@link windowPoolings}.
 *
 * @example
 * ```ts
 * const pooling: WindowPooling = 'first';
 * await encodeLongText(model, tokenizer, note, { pooling });
 * ```
 */
export type WindowPooling = (typeof windowPoolings)[number];

/**
 * Options of {@link poolWindows} and {@link encodeLongText}.
 *
 * @example
 * ```ts
 * const options: PoolWindowsOptions = { pooling: 'max', batchSize: 4, excludeSpecialTokens: true };
 * await poolWindows(model, encoding, options);
 * ```
 */
export interface PoolWindowsOptions {
  /**
   * `mean` (default): average of the token vectors of every window; `max`: elementwise maximum over
   * them; `first`: average over windows of each window's first-token (`[CLS]`) vector.
   */
  readonly pooling?: WindowPooling;
  /** Windows per encoder call (default 8). */
  readonly batchSize?: number;
  /** Leave `[CLS]`/`[SEP]` out of `mean` / `max` (default true; kept when a window has nothing else). */
  readonly excludeSpecialTokens?: boolean;
  /** Id used to pad shorter windows in a batch (default 0, BERT's `[PAD]`). */
  readonly padTokenId?: number;
}

/**
 * A pooled document vector.
 *
 * @example
 * ```ts
 * const document: PooledDocument = await encodeLongText(model, tokenizer, note);
 * document.vector.length; // hiddenSize
 * document.windows; // how many 512-token windows the note took
 * ```
 */
export interface PooledDocument {
  /** `[hiddenSize]`. */
  readonly vector: Float32Array;
  /** Number of windows encoded. */
  readonly windows: number;
  /** Number of token vectors pooled (`first`: the number of windows). */
  readonly tokens: number;
}

/**
 * The windows of an encoding: itself, then its overflowing windows (nested ones flattened, in order).
 *
 * @example
 * ```ts
 * windowsOf(tokenizer.encode(note, null, { maxLength: 512, stride: 128, returnOverflowing: true })).length;
 * ```
 */
export function windowsOf(encoding: Encoding): Encoding[] {
  const windows: Encoding[] = [];
  const visit = (window: Encoding) => {
    windows.push(window);
    for (const next of window.overflowing ?? []) visit(next);
  };
  visit(encoding);
  return windows;
}

/**
 * Encodes the overlapping windows of a long note (an {@link Encoding} with `overflowing` windows, from
 * `@icd/tokenizer` or any `TokenizerLike` with `returnOverflowing` and a `stride`) in batches with any
 * `Encoder`, and pools them into one document vector, as long-document BERT coders do (e.g. mean or
 * max over chunk token vectors, or over chunk `[CLS]` vectors). A token shared by two windows counts
 * once per window.
 *
 * @example
 * ```ts
 * const encoding = tokenizer.encode(note, null, { maxLength: 512, truncation: true, stride: 128, returnOverflowing: true });
 * const { vector, windows } = await poolWindows(model, encoding, { pooling: 'mean' });
 * ```
 */
export async function poolWindows(
  encoder: Encoder,
  encoding: Encoding,
  options: PoolWindowsOptions = {},
): Promise<PooledDocument> {
  const fn = 'poolWindows';
  const pooling = options.pooling ?? 'mean';
  assertOneOf(fn, 'pooling', pooling, windowPoolings);
  const batchSize = options.batchSize ?? 8;
  assertInteger(fn, 'batchSize', batchSize, { min: 1 });
  const padTokenId = options.padTokenId ?? 0;
  assertInteger(fn, 'padTokenId', padTokenId, { min: 0 });
  const excludeSpecial = options.excludeSpecialTokens ?? true;
  if (typeof encoding !== 'object' || encoding === null || !Array.isArray(encoding.ids)) {
    invalidArgument(fn, 'encoding', 'an Encoding from a TokenizerLike', encoding);
  }
  const windows = windowsOf(encoding);
  const width = encoder.info.hiddenSize;
  const sum = new Float64Array(width);
  const maximum = new Float32Array(width).fill(Number.NEGATIVE_INFINITY);
  let tokens = 0;

  for (let start = 0; start < windows.length; start += batchSize) {
    const group = windows.slice(start, start + batchSize);
    const length = Math.max(...group.map((window) => window.ids.length));
    const shape = [group.length, length];
    const inputIds = new Int32Array(group.length * length).fill(padTokenId);
    const attentionMask = new Int32Array(group.length * length);
    const tokenTypeIds = new Int32Array(group.length * length);
    group.forEach((window, row) => {
      for (let column = 0; column < window.ids.length; column++) {
        inputIds[row * length + column] = window.ids[column] as number;
        attentionMask[row * length + column] = window.attentionMask[column] ?? 1;
        tokenTypeIds[row * length + column] = window.typeIds[column] ?? 0;
      }
    });
    const { lastHiddenState } = await encoder.encode({
      inputIds: { data: inputIds, shape },
      attentionMask: { data: attentionMask, shape },
      tokenTypeIds: { data: tokenTypeIds, shape },
    });
    const hidden = lastHiddenState.data;
    group.forEach((window, row) => {
      const take = (column: number) => {
        const offset = (row * length + column) * width;
        for (let d = 0; d < width; d++) {
          const value = hidden[offset + d] as number;
          sum[d] = (sum[d] as number) + value;
          if (value > (maximum[d] as number)) maximum[d] = value;
        }
        tokens++;
      };
      if (pooling === 'first') {
        take(0);
        return;
      }
      let taken = 0;
      for (let column = 0; column < window.ids.length; column++) {
        const real = (window.attentionMask[column] ?? 1) === 1;
        const special = (window.specialTokensMask[column] ?? 0) === 1;
        if (real && !(excludeSpecial && special)) {
          take(column);
          taken++;
        }
      }
      // A window of specials only (an empty note): pool its real tokens rather than nothing.
      if (taken === 0)
        for (let column = 0; column < window.ids.length; column++)
          if ((window.attentionMask[column] ?? 1) === 1) take(column);
    });
  }
  const vector = new Float32Array(width);
  for (let d = 0; d < width; d++)
    vector[d] = pooling === 'max' ? (maximum[d] as number) : (sum[d] as number) / Math.max(tokens, 1);
  return { vector, windows: windows.length, tokens };
}

/**
 * Tokenizes a long text into overlapping windows (`maxLength` tokens, `stride` shared between
 * neighbours) with any {@link TokenizerLike} and pools them with {@link poolWindows}.
 *
 * @example
 * ```ts
 * const { vector } = await encodeLongText(model, tokenizer, note, { maxLength: 512, stride: 128, pooling: 'max' });
 * ```
 */
export async function encodeLongText(
  encoder: Encoder,
  tokenizer: TokenizerLike,
  text: string,
  options: PoolWindowsOptions & { readonly maxLength?: number; readonly stride?: number } = {},
): Promise<PooledDocument> {
  const maxLength = options.maxLength ?? Math.min(512, encoder.info.maxPositionEmbeddings);
  assertInteger('encodeLongText', 'maxLength', maxLength, {
    min: 3,
    max: encoder.info.maxPositionEmbeddings,
  });
  const stride = options.stride ?? Math.floor(maxLength / 4);
  assertInteger('encodeLongText', 'stride', stride, { min: 0, max: maxLength - 3 });
  const encoding = tokenizer.encode(text, null, {
    maxLength,
    truncation: true,
    stride,
    returnOverflowing: true,
  });
  const padTokenId = options.padTokenId ?? tokenizer.tokenToId(tokenizer.specialTokens.pad) ?? 0;
  return poolWindows(encoder, encoding, { ...options, padTokenId });
}
