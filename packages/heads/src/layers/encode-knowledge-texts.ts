import { assertInteger, type Encoder, invalidArgument, type TensorData, type TokenizerLike } from '@icd/core';

/**
 * Options of {@link encodeKnowledgeTexts}.
 *
 * @example
 * ```ts
 * const options: EncodeKnowledgeTextsOptions = { batchSize: 32, maxLength: 64 };
 * ```
 */
export interface EncodeKnowledgeTextsOptions {
  /** Texts per encoder call (default 32). */
  readonly batchSize?: number;
  /** Longest tokenized text, specials included (default min(128, encoder.info.maxPositionEmbeddings)); longer ones are truncated. */
  readonly maxLength?: number;
  /**
   * Average `[CLS]` / `[SEP]` too (default false: only the text's own tokens, by the tokenizer's
   * `specialTokensMask`; all real tokens when a text has none of its own).
   */
  readonly includeSpecialTokens?: boolean;
  /** Cancels between batches. */
  readonly signal?: AbortSignal;
}

/**
 * Encodes knowledge texts (code descriptions, inclusion terms) into one vector each: the mean of the
 * encoder's last hidden state over the text's tokens (padding and, by default, `[CLS]` / `[SEP]`
 * excluded) — D_m of the LLM-ICD paper's eq. 6, and the description embeddings of
 * {@link initialiseLabelQueriesFromDescriptions}. Any `@icd/core` `Encoder` (a tfjs BERT, an ONNX
 * session); returns engine-neutral `[texts.length, hiddenSize]` float32 {@link TensorData}.
 *
 * @example
 * ```ts
 * const mlm = createTinyBert();
 * const knowledge = await encodeKnowledgeTexts(mlm.bert, mlm.tokenizer!, ['chest pain', 'heart failure']);
 * knowledge.shape; // [2, 16]
 * const head = new KnowledgeInjectedLabelAttention({ labels, hiddenSize: 16 }, knowledge);
 * ```
 */
export async function encodeKnowledgeTexts(
  encoder: Encoder,
  tokenizer: TokenizerLike,
  texts: readonly string[],
  options: EncodeKnowledgeTextsOptions = {},
): Promise<TensorData> {
  const fn = 'encodeKnowledgeTexts';
  if (
    encoder === null ||
    typeof encoder !== 'object' ||
    typeof encoder.encode !== 'function' ||
    !encoder.info
  ) {
    invalidArgument(fn, 'encoder', 'an @icd/core Encoder', encoder);
  }
  if (tokenizer === null || typeof tokenizer !== 'object' || typeof tokenizer.encodeBatch !== 'function') {
    invalidArgument(fn, 'tokenizer', 'a TokenizerLike', tokenizer);
  }
  if (!Array.isArray(texts) || texts.length === 0)
    invalidArgument(fn, 'texts', 'a non-empty array of strings', texts);
  texts.forEach((text, index) => {
    if (typeof text !== 'string' || text.trim().length === 0)
      invalidArgument(fn, `texts[${index}]`, 'a non-blank string', text);
  });
  if (options === null || typeof options !== 'object')
    invalidArgument(fn, 'options', 'an options object', options);
  const batchSize = options.batchSize ?? 32;
  assertInteger(fn, 'batchSize', batchSize, { min: 1 });
  const maxPositions = encoder.info.maxPositionEmbeddings;
  const maxLength = options.maxLength ?? Math.min(128, maxPositions);
  assertInteger(fn, 'maxLength', maxLength, { min: 2, max: maxPositions });
  const includeSpecials = options.includeSpecialTokens ?? false;
  if (typeof includeSpecials !== 'boolean')
    invalidArgument(fn, 'includeSpecialTokens', 'a boolean', includeSpecials);
  const hidden = encoder.info.hiddenSize;
  const out = new Float32Array(texts.length * hidden);
  for (let start = 0; start < texts.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = texts.slice(start, start + batchSize);
    const encodings = tokenizer.encodeBatch(batch, { maxLength, truncation: true, padding: 'longest' });
    const { lastHiddenState } = await encoder.encode({
      inputIds: encodings.map((e) => [...e.ids]),
      attentionMask: encodings.map((e) => [...e.attentionMask]),
    });
    const [, sequence] = lastHiddenState.shape as [number, number, number];
    encodings.forEach((encoding, row) => {
      const own = encoding.attentionMask.map((m, t) =>
        m === 1 && encoding.specialTokensMask[t] !== 1 ? 1 : 0,
      );
      const weights = includeSpecials || !own.some((x) => x === 1) ? encoding.attentionMask : own;
      let count = 0;
      const target = (start + row) * hidden;
      for (let t = 0; t < sequence; t++) {
        if (weights[t] !== 1) continue;
        count++;
        const offset = (row * sequence + t) * hidden;
        for (let j = 0; j < hidden; j++)
          out[target + j] = (out[target + j] as number) + (lastHiddenState.data[offset + j] as number);
      }
      for (let j = 0; j < hidden; j++) out[target + j] = (out[target + j] as number) / Math.max(count, 1);
    });
  }
  return { data: out, shape: [texts.length, hidden] };
}
