import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { type InputEmbeddingSource, inputEmbeddingsOf } from './input-embeddings.js';
import { templateSyntaxError } from './parse-literal.js';
import {
  type PromptBatch,
  Template,
  type TemplateInputs,
  type TemplateJson,
  type TemplateOptions,
} from './template.js';

/**
 * Options of {@link SoftTemplate}.
 *
 * @example
 * ```ts
 * const options: SoftTemplateOptions = { tokenizer, model: plm, text: '{"placeholder":"text_a"} {"mask"}', numTokens: 20 };
 * ```
 */
export interface SoftTemplateOptions extends TemplateOptions {
  /** The masked LM (its word embeddings initialise the prompt when `initializeFromVocab`). */
  readonly model?: InputEmbeddingSource;
  /** Soft prompt length (default 20, as OpenPrompt). */
  readonly numTokens?: number;
  /** Start from the first `numTokens` rows of the word embeddings (default true), else U(-r, r). */
  readonly initializeFromVocab?: boolean;
  /** r of the uniform start (default 0.5). */
  readonly randomRange?: number;
  /** Saved prompt `[numTokens, hidden]`. */
  readonly softEmbeds?: tf.Tensor2D;
  readonly seed?: number;
}

/**
 * Prompt tuning (Lester et al. 2021; OpenPrompt's `SoftTemplate`): `numTokens` trainable vectors
 * (`soft_embeds`) prepended to the embedded input, before `[CLS]`, with the attention mask extended;
 * the rest of the text is a manual template. The window `maxLength` counts the prefix (OpenPrompt does
 * not, and can overflow the position embeddings).
 *
 * @example
 * ```ts
 * const template = new SoftTemplate({ tokenizer, model: plm, text: '{"placeholder":"text_a"} It was {"mask"}.', numTokens: 8 });
 * ```
 */
export class SoftTemplate extends Template {
  readonly weights: ReadonlyMap<string, tf.Variable>;
  readonly numTokens: number;

  constructor(options: SoftTemplateOptions) {
    const numTokens = options.numTokens ?? options.softEmbeds?.shape[0] ?? 20;
    assertInteger('SoftTemplate', 'numTokens', numTokens, { min: 1 });
    super(
      'SoftTemplate',
      options,
      (blocks) => {
        const soft = blocks.find((block) => block.kind === 'soft');
        if (soft)
          throw templateSyntaxError(
            'SoftTemplate',
            options.text,
            soft.position,
            'a soft template takes numTokens, not {"soft"} blocks (use MixedTemplate)',
          );
        return blocks.map((block) => ({ block, softId: 0 }));
      },
      numTokens,
    );
    this.numTokens = numTokens;
    // tf.variable keeps the initial tensor's data but not the tensor: dispose it (a tensor per load).
    const initial = this.initialPrompt(options);
    const variable = tf.variable(initial, true, undefined);
    initial.dispose();
    this.weights = new Map([['soft_embeds', variable]]);
  }

  private initialPrompt(options: SoftTemplateOptions): tf.Tensor2D {
    if (options.softEmbeds) {
      if (options.softEmbeds.rank !== 2 || options.softEmbeds.shape[0] !== this.numTokens)
        invalidArgument(
          'SoftTemplate',
          'softEmbeds',
          `a [${this.numTokens}, hidden] tensor`,
          options.softEmbeds.shape,
        );
      return options.softEmbeds.clone();
    }
    const table = inputEmbeddingsOf('SoftTemplate', options.model);
    if (options.initializeFromVocab ?? true) {
      if (table.shape[0] < this.numTokens)
        invalidArgument(
          'SoftTemplate',
          'numTokens',
          `at most the vocabulary size ${table.shape[0]}`,
          this.numTokens,
        );
      return tf.slice(table, [0, 0], [this.numTokens, table.shape[1]]);
    }
    const range = options.randomRange ?? 0.5;
    assertFiniteNumber('SoftTemplate', 'randomRange', range, { min: 0 });
    return tf.randomUniform([this.numTokens, table.shape[1]], -range, range, 'float32', options.seed);
  }

  forward(batch: PromptBatch, wordEmbeddings?: tf.Tensor2D): TemplateInputs {
    if (!wordEmbeddings)
      invalidArgument(
        'SoftTemplate.forward',
        'wordEmbeddings',
        "the model's input embedding table",
        wordEmbeddings,
      );
    const [rows, length] = batch.inputIds.shape as [number, number];
    return tf.tidy(() => {
      const ids = tf.tensor2d(batch.inputIds.data, [rows, length], 'int32');
      // Broadcast by an addition (its gradient sums over the batch; @icd/train registers no Tile gradient).
      const prompt = tf.add(
        tf.zeros([rows, this.numTokens, wordEmbeddings.shape[1]]),
        this.weights.get('soft_embeds')!,
      );
      const inputsEmbeds = tf.concat([prompt, tf.gather(wordEmbeddings, ids)], 1) as tf.Tensor3D;
      const mask = tf.tensor2d(batch.attentionMask.data, [rows, length], 'int32');
      const attentionMask = tf.concat([tf.ones([rows, this.numTokens], 'int32'), mask], 1) as tf.Tensor2D;
      const positions = tf.tensor2d(
        batch.maskPositions.data,
        batch.maskPositions.shape as [number, number],
        'int32',
      );
      return {
        inputsEmbeds,
        attentionMask,
        maskPositions: tf.add(positions, tf.scalar(this.numTokens, 'int32')) as tf.Tensor2D,
      };
    });
  }

  toJSON(): TemplateJson {
    return {
      type: 'soft',
      text: this.text,
      maxLength: this.maxLength,
      truncation: this.truncationName(),
      numTokens: this.numTokens,
    };
  }
}
