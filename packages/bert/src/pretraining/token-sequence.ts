/**
 * One training sequence before masking: token ids with `[CLS]`/`[SEP]` already placed, which positions
 * are special (never masked), and which word each token belongs to (for whole-word masking).
 *
 * Typed arrays, not `number[]`: a corpus yields millions of these.
 *
 * @example
 * ```ts
 * const sequence: TokenSequence = {
 *   inputIds: Int32Array.of(101, 7592, 2088, 102),
 *   specialTokensMask: Uint8Array.of(1, 0, 0, 1),
 * };
 * collator.collate([sequence]);
 * ```
 */
export interface TokenSequence {
  /** Token ids, specials included, unpadded. */
  readonly inputIds: Int32Array;
  /** 1 where the token is `[CLS]`, `[SEP]` or padding (never chosen for masking), else 0. */
  readonly specialTokensMask: Uint8Array;
  /**
   * Word index of each token (tokens of one word share it), -1 for specials. Optional: only
   * whole-word masking reads it.
   */
  readonly wordIds?: Int32Array;
}

/**
 * A padded, masked batch ready for a masked-LM step, row-major `[batchSize, sequenceLength]`.
 * `labels` holds the original id at chosen positions and -100 elsewhere (PyTorch's `ignore_index`).
 *
 * @example
 * ```ts
 * const batch: MaskedLMBatch = collator.collate(sequences);
 * batch.labels.filter((label) => label !== ignoreLabel).length; // masked tokens
 * ```
 */
export interface MaskedLMBatch {
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
  readonly labels: Int32Array;
}

/**
 * The label of positions that carry no loss, as HuggingFace and PyTorch's `ignore_index`.
 *
 * @example
 * ```ts
 * const labels = Int32Array.from(inputIds, (id, i) => (chosen[i] ? id : ignoreLabel));
 * ```
 */
export const ignoreLabel = -100;
