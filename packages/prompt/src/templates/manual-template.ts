import * as tf from '@tensorflow/tfjs-core';
import { templateSyntaxError } from './parse-literal.js';
import {
  type PromptBatch,
  Template,
  type TemplateInputs,
  type TemplateJson,
  type TemplateOptions,
} from './template.js';

/**
 * A template of words only (OpenPrompt's `ManualTemplate`): placeholders, words, `{"mask"}`, meta and
 * special tokens; no trainable parameters, so the masked LM reads plain ids.
 *
 * @example
 * ```ts
 * const template = new ManualTemplate({ tokenizer, text: '{"placeholder":"text_a"} The diagnosis is {"mask"}.' });
 * const batch = template.wrapBatch(['Palpitations, irregularly irregular pulse.']);
 * ```
 */
export class ManualTemplate extends Template {
  readonly weights: ReadonlyMap<string, tf.Variable> = new Map();

  constructor(options: TemplateOptions) {
    super('ManualTemplate', options, (blocks) => {
      const soft = blocks.find((block) => block.kind === 'soft');
      if (soft)
        throw templateSyntaxError(
          'ManualTemplate',
          options.text,
          soft.position,
          'a manual template has no soft tokens (use MixedTemplate for {"soft"} blocks)',
        );
      return blocks.map((block) => ({ block, softId: 0 }));
    });
  }

  forward(batch: PromptBatch): TemplateInputs {
    return {
      inputIds: tf.tensor2d(batch.inputIds.data, batch.inputIds.shape as [number, number], 'int32'),
      attentionMask: tf.tensor2d(
        batch.attentionMask.data,
        batch.attentionMask.shape as [number, number],
        'int32',
      ),
      maskPositions: tf.tensor2d(
        batch.maskPositions.data,
        batch.maskPositions.shape as [number, number],
        'int32',
      ),
    };
  }

  toJSON(): TemplateJson {
    return { type: 'manual', text: this.text, maxLength: this.maxLength, truncation: this.truncationName() };
  }
}
