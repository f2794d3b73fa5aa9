import type { TensorData, TokenizerLike } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { PostProcessingFunction } from './post-processing.js';
import type { TruncationStrategy } from './truncate-parts.js';

/**
 * The fields a template fills: `textA` (the note) for `{"placeholder": "text_a"}`, `textB` for
 * `text_b`, and `meta` values for `{"meta": "field"}`. A plain string is `{ textA }`.
 *
 * @example
 * ```ts
 * const input: PromptInput = { textA: 'Chest pain radiating to the left arm.', meta: { age: '67' } };
 * ```
 */
export interface PromptInput {
  readonly textA: string;
  readonly textB?: string;
  readonly meta?: Readonly<Record<string, string>>;
}

/**
 * Options every template takes.
 *
 * @example
 * ```ts
 * const options: TemplateOptions = { tokenizer, text: '{"placeholder":"text_a"} Diagnosis: {"mask"}.', maxLength: 256 };
 * ```
 */
export interface TemplateOptions {
  readonly tokenizer: TokenizerLike;
  /** The template in OpenPrompt's syntax. */
  readonly text: string;
  /** The model window, special tokens (and a soft prefix) included (default 512). */
  readonly maxLength?: number;
  /** How notes that do not fit are shortened (default `'tail'`). */
  readonly truncation?: TruncationStrategy;
  /** Functions that `"post_processing": "<name>"` may name, besides {@link builtInPostProcessing}. */
  readonly postProcessing?: Readonly<Record<string, PostProcessingFunction>>;
}

/**
 * One note wrapped in a template: `[CLS] ... [SEP]` ids, soft-token ids (0 at hard tokens) and mask
 * positions, all indices into `inputIds`.
 *
 * @example
 * ```ts
 * const wrapped: WrappedExample = template.wrap('Atrial fibrillation on apixaban.');
 * wrapped.inputIds[wrapped.maskPositions[0]!]; // the [MASK] id
 * ```
 */
export interface WrappedExample {
  readonly inputIds: readonly number[];
  readonly softTokenIds: readonly number[];
  readonly maskPositions: readonly number[];
  /** Tokens cut from shortenable blocks to fit `maxLength` (0 when the note fit). */
  readonly removedTokens: number;
}

/**
 * A padded batch of wrapped notes as `[batch, sequence]` matrices (`maskPositions` is
 * `[batch, masks]`), ready for {@link Template.forward}.
 *
 * @example
 * ```ts
 * const batch: PromptBatch = template.wrapBatch(['note one', 'note two']);
 * batch.inputIds.shape; // [2, longest]
 * ```
 */
export interface PromptBatch {
  readonly inputIds: TensorData<Int32Array>;
  readonly attentionMask: TensorData<Int32Array>;
  readonly softTokenIds: TensorData<Int32Array>;
  readonly maskPositions: TensorData<Int32Array>;
  /** Per note: whether it was shortened. */
  readonly truncated: readonly boolean[];
}

/**
 * What a template hands the masked LM: ids (manual) or input embeddings (soft tokens), the attention
 * mask, and the absolute mask positions `[batch, masks]` (int32) in that input.
 *
 * @example
 * ```ts
 * const inputs: TemplateInputs = template.forward(batch, plm.getInputEmbeddings());
 * tf.dispose(Object.values(inputs));
 * ```
 */
export interface TemplateInputs {
  readonly inputIds?: tf.Tensor2D;
  readonly inputsEmbeds?: tf.Tensor3D;
  readonly attentionMask: tf.Tensor2D;
  readonly maskPositions: tf.Tensor2D;
}

/**
 * A template's saved form: enough, with the tokenizer (and soft weights), to rebuild it.
 *
 * @example
 * ```ts
 * const json: TemplateJson = template.toJSON(); // { type: 'mixed', text: '...', maxLength: 512, truncation: 'tail' }
 * ```
 */
export interface TemplateJson {
  readonly type: 'manual' | 'mixed' | 'soft';
  readonly text: string;
  readonly maxLength: number;
  /** `'custom'` when a function was given (pass it again on load). */
  readonly truncation: 'tail' | 'head' | 'balanced' | 'custom';
  readonly numTokens?: number;
}

/** Number of truncated notes over wrapped notes since construction or the last reset. */
export interface TruncationStats {
  readonly wrapped: number;
  readonly truncated: number;
  /** `truncated / wrapped`, `0` before any note was wrapped. */
  readonly rate: number;
}
