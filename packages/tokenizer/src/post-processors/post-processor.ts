import type { EncodingData } from '../encoding/encoding-data.js';

/**
 * The JSON of a post-processor in `tokenizer.json`, tagged by `type`.
 *
 * @example
 * ```ts
 * const json: PostProcessorJson = { type: 'BertProcessing', cls: ['[CLS]', 101], sep: ['[SEP]', 102] };
 * createPostProcessor(json);
 * ```
 */
export interface PostProcessorJson {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * Last stage: adds the special tokens (`[CLS] A [SEP] B [SEP]`), type ids and sequence ids around the
 * truncated sequence(s).
 *
 * Subclasses MUST implement `process`, `addedTokens` (how many tokens `process` adds, used to truncate
 * before it runs) and `toJSON`.
 *
 * @example
 * ```ts
 * class NoSpecials extends PostProcessor {
 *   process(first, second) { return second ? first.withSequence(0, 0).merge(second.withSequence(1, 1)) : first.withSequence(0, 0); }
 *   addedTokens() { return 0; }
 *   toJSON() { return { type: 'NoSpecials' }; }
 * }
 * ```
 */
export abstract class PostProcessor {
  /** Combines the sequence(s) and special tokens into the final encoding. */
  abstract process(first: EncodingData, second: EncodingData | null, addSpecialTokens: boolean): EncodingData;
  /** Number of special tokens `process` adds for one sequence or a pair. */
  abstract addedTokens(isPair: boolean): number;
  /** The `tokenizer.json` form of this post-processor. */
  abstract toJSON(): PostProcessorJson;
}
