import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { type InputEmbeddingSource, inputEmbeddingsOf } from './input-embeddings.js';
import { numberSoftTokens, type SoftTokenNumbering } from './number-soft-tokens.js';
import {
  type PromptBatch,
  Template,
  type TemplateInputs,
  type TemplateJson,
  type TemplateOptions,
} from './template.js';

/**
 * Options of {@link MixedTemplate}.
 *
 * @example
 * ```ts
 * const options: MixedTemplateOptions = { tokenizer, model: plm, text: '{"placeholder":"text_a"} {"soft": "be encoded as"} {"mask"}.', seed: 1 };
 * ```
 */
export interface MixedTemplateOptions extends TemplateOptions {
  /** The masked LM whose word embeddings initialise soft tokens with initial words. */
  readonly model?: InputEmbeddingSource;
  /** Saved soft embeddings `[1 + numSoftTokens, hidden]` (instead of initialising from `model`). */
  readonly softEmbedding?: tf.Tensor2D;
  /** Seed of the N(0, 1) start of soft tokens without initial words (PyTorch `nn.Embedding`'s default). */
  readonly seed?: number;
}

/**
 * Words and trainable soft tokens in one template (OpenPrompt's `MixedTemplate`): `{"soft"}`,
 * `{"soft": "initial words"}`, `{"soft_id": k}`, `"duplicate"`, `"same"`, numbered as OpenPrompt
 * numbers them. Soft tokens enter the masked LM through `inputsEmbeds`: hard positions take the model's
 * word embeddings, soft positions rows of `soft_embedding.weight` (`[1 + numSoftTokens, hidden]`).
 *
 * @example
 * ```ts
 * const template = new MixedTemplate({ tokenizer, model: plm, text: '{"placeholder":"text_a"} patient {"soft": "can be diagnosed as"} {"mask"}.' });
 * template.numSoftTokens; // 4 (one per word piece of "can be diagnosed as")
 * ```
 */
export class MixedTemplate extends Template {
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** Soft tokens of the template (rows 1..n of the soft embedding). */
  readonly numSoftTokens: number;
  /** Per template unit: its soft id (0 for hard blocks), as OpenPrompt's `soft_token_ids`. */
  readonly softTokenIds: readonly number[];

  constructor(options: MixedTemplateOptions) {
    let numbering: SoftTokenNumbering | undefined;
    super('MixedTemplate', options, (blocks) => {
      numbering = numberSoftTokens(
        blocks,
        (words) => options.tokenizer.encode(words, null, { addSpecialTokens: false }).ids,
        options.text,
      );
      return numbering.units;
    });
    const { numSoftTokens, initialTokenIds, units } = numbering!;
    this.numSoftTokens = numSoftTokens;
    this.softTokenIds = units.map((unit) => unit.softId);
    // tf.variable keeps the initial tensor's data but not the tensor: dispose it (a tensor per load).
    const initial = this.initialEmbedding(options, initialTokenIds);
    const variable = tf.variable(initial, true, undefined);
    initial.dispose();
    this.weights = new Map([['soft_embedding.weight', variable]]);
  }

  private initialEmbedding(
    options: MixedTemplateOptions,
    initialTokenIds: ReadonlyMap<number, number>,
  ): tf.Tensor2D {
    const rows = 1 + this.numSoftTokens;
    if (options.softEmbedding) {
      if (options.softEmbedding.rank !== 2 || options.softEmbedding.shape[0] !== rows)
        invalidArgument(
          'MixedTemplate',
          'softEmbedding',
          `a [${rows}, hidden] tensor`,
          options.softEmbedding.shape,
        );
      return options.softEmbedding.clone();
    }
    const table = inputEmbeddingsOf('MixedTemplate', options.model);
    return tf.tidy(() => {
      const random = tf.randomNormal([rows, table.shape[1]], 0, 1, 'float32', options.seed);
      if (initialTokenIds.size === 0) return random as tf.Tensor2D;
      const softIds = [...initialTokenIds.keys()];
      const fromWords = tf.gather(table as tf.Tensor, tf.tensor1d([...initialTokenIds.values()], 'int32'));
      const indicator = new Float32Array(rows);
      for (const id of softIds) indicator[id] = 1;
      const scattered = tf.scatterND(tf.tensor2d(softIds, [softIds.length, 1], 'int32'), fromWords, [
        rows,
        table.shape[1],
      ]);
      const keep = tf.tensor2d(indicator, [rows, 1]);
      return tf.add(tf.mul(random, tf.sub(1, keep)), scattered) as tf.Tensor2D;
    });
  }

  forward(batch: PromptBatch, wordEmbeddings?: tf.Tensor2D): TemplateInputs {
    if (!wordEmbeddings)
      invalidArgument(
        'MixedTemplate.forward',
        'wordEmbeddings',
        "the model's input embedding table",
        wordEmbeddings,
      );
    const shape = batch.inputIds.shape as [number, number];
    const inputsEmbeds = tf.tidy(() => {
      const ids = tf.tensor2d(batch.inputIds.data, shape, 'int32');
      const soft = tf.tensor2d(batch.softTokenIds.data, shape, 'int32');
      const raw = tf.gather(wordEmbeddings, ids);
      const softEmbeds = tf.gather(this.weights.get('soft_embedding.weight') as tf.Tensor, soft);
      const isSoft = tf.broadcastTo(tf.expandDims(tf.greater(soft, 0), -1), raw.shape);
      return tf.where(isSoft, softEmbeds, raw) as tf.Tensor3D;
    });
    return {
      inputsEmbeds,
      attentionMask: tf.tensor2d(batch.attentionMask.data, shape, 'int32'),
      maskPositions: tf.tensor2d(
        batch.maskPositions.data,
        batch.maskPositions.shape as [number, number],
        'int32',
      ),
    };
  }

  toJSON(): TemplateJson {
    return { type: 'mixed', text: this.text, maxLength: this.maxLength, truncation: this.truncationName() };
  }
}
