import type { TokenizerLike } from '@icd/core';
import { assertInteger, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { addPrefix, type LabelWords, resolveLabelWords } from './label-words.js';
import type { MaskOutputs } from './mask-outputs.js';
import { Verbalizer, type VerbalizerJson, type VerbalizerOptions } from './verbalizer.js';

/**
 * What a soft verbalizer needs from the masked LM to start Θ from label words: the decoder weight
 * `[vocab, hidden]` of its head (tied to the word embeddings in BERT).
 *
 * @example
 * ```ts
 * const source: MaskedLMDecoderSource = plm; // a BertForMaskedLM
 * ```
 */
export interface MaskedLMDecoderSource {
  getMaskedLMDecoder(): { readonly weight: tf.Tensor };
}

/**
 * Options of {@link SoftVerbalizer}. Give `classes` (or a `labelWords` record), and either `model`
 * (Θ from label words, or random with the model's hidden size), `hiddenSize` (random), or a saved
 * `classWeight`.
 *
 * @example
 * ```ts
 * const options: SoftVerbalizerOptions = { tokenizer, model: plm, labelWords: { I10: ['hypertension'], I48: ['fibrillation'] } };
 * ```
 */
export interface SoftVerbalizerOptions extends VerbalizerOptions {
  readonly classes?: readonly string[];
  readonly model?: MaskedLMDecoderSource;
  readonly tokenizer?: TokenizerLike;
  /** Θ_c starts as the mean decoder row of the pieces of class c's FIRST label word (as OpenPrompt). */
  readonly labelWords?: LabelWords;
  /** Put before every label word (default `' '`). */
  readonly prefix?: string;
  readonly hiddenSize?: number;
  /** Saved Θ `[classes, hidden]`. */
  readonly classWeight?: tf.Tensor2D;
  /** Seed of the random start U(-1/√hidden, 1/√hidden) (PyTorch `nn.Linear`'s). */
  readonly seed?: number;
}

/**
 * WARP's soft verbalizer (Hambardzumyan et al. 2021; OpenPrompt's `SoftVerbalizer`): the masked-LM
 * head's transform (dense, activation, LayerNorm) is kept, and its vocabulary decoder replaced by a
 * trainable class matrix Θ ∈ R^{classes × hidden} (`head_last_layer.weight`, no bias): class logits =
 * transform(h_mask) · Θᵀ (the MDR-BERT study's eq. 7). The vocabulary logits are never computed.
 * The transform is the masked LM's own (trained with the PLM, as OpenPrompt's `group_parameters_1`),
 * not a copy. `postLogSoftmax` defaults to false: the scores are raw logits.
 *
 * @example
 * ```ts
 * const verbalizer = new SoftVerbalizer({ tokenizer, model: plm, labelWords: { I10: ['hypertension'], 'I48.91': ['fibrillation'] } });
 * verbalizer.weights.get('head_last_layer.weight')!.shape; // [2, hiddenSize]
 * ```
 */
export class SoftVerbalizer extends Verbalizer {
  private readonly classWeight: tf.Variable;
  /** Label words Θ started from (first word per class, prefixed), when given. */
  readonly labelWords: readonly string[] | undefined;

  constructor(options: SoftVerbalizerOptions) {
    const fn = 'SoftVerbalizer';
    if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
    const resolved =
      options.labelWords === undefined
        ? undefined
        : resolveLabelWords(fn, options.labelWords, options.classes);
    const classes = resolved?.classes ?? options.classes;
    if (!classes) invalidArgument(fn, 'classes', 'class names (or a labelWords record)', classes);
    super(classes, { postLogSoftmax: options.postLogSoftmax ?? false }, fn);
    const prefix = options.prefix ?? ' ';
    this.labelWords = resolved ? addPrefix(resolved.words, prefix).map((words) => words[0]!) : undefined;
    // tf.variable keeps the initial tensor's data but not the tensor: dispose it (a tensor per load).
    const initial = this.initialWeight(fn, options);
    this.classWeight = tf.variable(initial, true);
    initial.dispose();
  }

  private initialWeight(fn: string, options: SoftVerbalizerOptions): tf.Tensor2D {
    const rows = this.classes.length;
    if (options.classWeight) {
      if (options.classWeight.rank !== 2 || options.classWeight.shape[0] !== rows)
        invalidArgument(fn, 'classWeight', `a [${rows}, hidden] tensor`, options.classWeight.shape);
      return options.classWeight.clone();
    }
    const decoder = options.model?.getMaskedLMDecoder().weight;
    if (this.labelWords) {
      if (!decoder)
        invalidArgument(
          fn,
          'model',
          'a masked LM with getMaskedLMDecoder() to start from label words',
          options.model,
        );
      const tokenizer = options.tokenizer;
      if (!tokenizer || typeof tokenizer.encode !== 'function')
        invalidArgument(fn, 'tokenizer', 'a TokenizerLike (to tokenize the label words)', tokenizer);
      const pieces = this.labelWords.map(
        (word) => tokenizer.encode(word, null, { addSpecialTokens: false }).ids,
      );
      pieces.forEach((ids, c) => {
        if (ids.length === 0)
          invalidArgument(fn, 'labelWords', 'words that tokenize to at least one token', this.labelWords![c]);
      });
      return tf.tidy(
        () =>
          tf.stack(
            pieces.map((ids) => tf.mean(tf.gather(decoder, tf.tensor1d(ids.slice(), 'int32')), 0)),
          ) as tf.Tensor2D,
      );
    }
    const hiddenSize = options.hiddenSize ?? decoder?.shape[1];
    assertInteger(fn, 'hiddenSize', hiddenSize, { min: 1 });
    const bound = 1 / Math.sqrt(hiddenSize);
    return tf.randomUniform([rows, hiddenSize], -bound, bound, 'float32', options.seed);
  }

  override get weights(): ReadonlyMap<string, tf.Variable> {
    return new Map([['head_last_layer.weight', this.classWeight]]);
  }

  /** transform(h_mask) · Θᵀ as `[batch, classes, 1]` (one "word" per class). */
  protected project(outputs: MaskOutputs): tf.Tensor3D {
    const scores = tf.matMul(outputs.transformed(), this.classWeight, false, true);
    return tf.reshape(scores, [scores.shape[0]!, scores.shape[1]!, 1]);
  }

  override toJSON(): VerbalizerJson {
    return {
      type: 'soft',
      classes: this.classes,
      postLogSoftmax: this.postLogSoftmax,
      hiddenSize: this.classWeight.shape[1],
      ...(this.labelWords ? { labelWords: this.labelWords } : {}),
    };
  }
}
