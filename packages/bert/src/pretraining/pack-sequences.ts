import { assertInteger, assertOneOf, invalidArgument, type TokenizerLike } from '@icd/core';
import type { CorpusDocument } from './read-corpus-documents.js';
import type { TokenSequence } from './token-sequence.js';

/**
 * Options of {@link packSequences}.
 *
 * @example
 * ```ts
 * const options: PackSequencesOptions = { maxLength: 512, mode: 'document', stride: 128 };
 * const sequences = packSequences(readCorpusDocuments(files), tokenizer, options);
 * ```
 */
export interface PackSequencesOptions {
  /** Length of a sequence, `[CLS]` and `[SEP]` included (e.g. 128 or 512). */
  readonly maxLength: number;
  /**
   * `'pack'`: documents are concatenated (each ended by `[SEP]`) and cut into full `maxLength` windows,
   * as `run_mlm.py`'s `group_texts` and RoBERTa's FULL-SENTENCES, so no compute is spent on padding.
   * `'document'`: one note per sequence; a note longer than `maxLength` is cut into windows that share
   * `stride` tokens (or truncated to its first window when `truncate` is true). Default `'pack'`.
   */
  readonly mode?: 'pack' | 'document';
  /** `'document'` mode: tokens shared by consecutive windows of one note. Default 0. */
  readonly stride?: number;
  /** `'document'` mode: keep only the first window of a long note. Default false. */
  readonly truncate?: boolean;
  /** `'pack'` mode: drop the last, partial window (as `group_texts`). Default true. */
  readonly dropRemainder?: boolean;
}

/**
 * Tokenizes a stream of documents with any {@link TokenizerLike} and yields fixed-length training
 * sequences `[CLS] … [SEP]` with their special-token mask and word ids (for whole-word masking), one at
 * a time: memory stays bounded by one document plus one window, whatever the corpus size.
 *
 * @example
 * ```ts
 * const sequences = packSequences(readCorpusDocuments(files), tokenizer, { maxLength: 128 });
 * for await (const sequence of sequences) collator.collate([sequence]);
 * ```
 */
export async function* packSequences(
  documents: AsyncIterable<CorpusDocument | string> | Iterable<CorpusDocument | string>,
  tokenizer: TokenizerLike,
  options: PackSequencesOptions,
): AsyncGenerator<TokenSequence> {
  const fn = 'packSequences';
  assertInteger(fn, 'maxLength', options?.maxLength, { min: 3 });
  const mode = options.mode ?? 'pack';
  assertOneOf(fn, 'mode', mode, ['pack', 'document'] as const);
  const stride = options.stride ?? 0;
  assertInteger(fn, 'stride', stride, { min: 0, max: options.maxLength - 3 });
  const clsId = specialId(tokenizer, 'cls');
  const sepId = specialId(tokenizer, 'sep');
  const body = options.maxLength - 2;
  // 'pack' mode carries tokens over from one document to the next in these growable buffers.
  let ids: Int32Array<ArrayBuffer> = new Int32Array(body * 2);
  let words: Int32Array<ArrayBuffer> = new Int32Array(body * 2);
  let length = 0;
  let wordOffset = 0;
  const append = (id: number, word: number) => {
    if (length === ids.length) {
      ids = grow(ids);
      words = grow(words);
    }
    ids[length] = id;
    words[length++] = word;
  };
  for await (const document of documents) {
    const text = typeof document === 'string' ? document : document?.text;
    if (typeof text !== 'string') invalidArgument(fn, 'documents', 'strings or CorpusDocuments', document);
    const encoding = tokenizer.encode(text, null, { addSpecialTokens: false });
    if (mode === 'document') {
      length = 0;
      wordOffset = 0;
    }
    let maxWord = -1;
    for (let i = 0; i < encoding.ids.length; i++) {
      const word = encoding.wordIds[i];
      const globalWord = word === null || word === undefined ? -1 : wordOffset + word;
      maxWord = Math.max(maxWord, globalWord);
      append(encoding.ids[i]!, globalWord);
    }
    if (mode === 'document') {
      for (let start = 0; start < length || start === 0; start += body - stride) {
        const end = Math.min(start + body, length);
        if (end > start) yield window(ids, words, start, end, clsId, sepId);
        if (end >= length || options.truncate) break;
      }
      continue;
    }
    append(sepId, separatorWord);
    wordOffset = maxWord + 1;
    let start = 0;
    while (length - start >= body) {
      yield window(ids, words, start, start + body, clsId, sepId);
      start += body;
    }
    // Move the carried-over tail to the front of the buffers.
    ids.copyWithin(0, start, length);
    words.copyWithin(0, start, length);
    length -= start;
  }
  if (mode === 'pack' && !(options.dropRemainder ?? true) && length > 0) {
    yield window(ids, words, 0, length, clsId, sepId);
  }
}

/** Word id that marks a document-separating `[SEP]` inside the packing buffers (never a real word). */
const separatorWord = -2;

function window(
  ids: Int32Array,
  words: Int32Array,
  start: number,
  end: number,
  clsId: number,
  sepId: number,
): TokenSequence {
  const size = end - start + 2;
  const inputIds = new Int32Array(size);
  const wordIds = new Int32Array(size).fill(-1);
  const specialTokensMask = new Uint8Array(size);
  inputIds[0] = clsId;
  inputIds.set(ids.subarray(start, end), 1);
  wordIds.set(words.subarray(start, end), 1);
  inputIds[size - 1] = sepId;
  specialTokensMask[0] = 1;
  specialTokensMask[size - 1] = 1;
  for (let i = 1; i < size - 1; i++) {
    if (wordIds[i] === separatorWord) {
      specialTokensMask[i] = 1;
      wordIds[i] = -1;
    }
  }
  return { inputIds, specialTokensMask, wordIds };
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

function specialId(tokenizer: TokenizerLike, which: 'cls' | 'sep'): number {
  const token = tokenizer?.specialTokens?.[which];
  const id = token === undefined ? undefined : tokenizer.tokenToId(token);
  if (id === undefined) {
    invalidArgument(
      'packSequences',
      'tokenizer',
      `a tokenizer whose vocabulary has its ${which} token`,
      token,
    );
  }
  return id;
}
