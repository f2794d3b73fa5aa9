import type { TokenizerLike } from '@icd/core';
import { assertOneOf, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  addPrefix,
  type LabelWords,
  type LabelWordTable,
  labelWordTable,
  resolveLabelWords,
} from './label-words.js';
import type { MaskOutputs } from './mask-outputs.js';
import { Verbalizer, type VerbalizerJson, type VerbalizerOptions } from './verbalizer.js';

/** How the scores of a label word that tokenizes into several pieces are combined. */
export type MultiTokenHandler = 'first' | 'mean' | 'max';

/**
 * Options of {@link ManualVerbalizer}.
 *
 * @example
 * ```ts
 * const options: ManualVerbalizerOptions = { tokenizer, labelWords: { I10: ['hypertension'], I48: ['fibrillation'] }, multiTokenHandler: 'mean' };
 * ```
 */
export interface ManualVerbalizerOptions extends VerbalizerOptions {
  readonly tokenizer: TokenizerLike;
  readonly labelWords: LabelWords;
  /** Class order (default: the record's keys; `'0'`, `'1'`, ... for lists). */
  readonly classes?: readonly string[];
  /** Default `'first'`, as OpenPrompt. */
  readonly multiTokenHandler?: MultiTokenHandler;
  /** Put before every label word (default `' '`, as OpenPrompt; `<!>word` opts a word out). */
  readonly prefix?: string;
}

/**
 * Label words chosen by hand (OpenPrompt's `ManualVerbalizer`, `process_logits` to the letter): the
 * mask logits of each label word's pieces are combined by the multi-token handler, padded words pushed
 * to −10000, a softmax taken over all label words of all classes, calibrated when a support set was
 * registered, logged, and averaged over each class's words.
 *
 * @example
 * ```ts
 * const verbalizer = new ManualVerbalizer({ tokenizer, labelWords: { I10: ['hypertension'], 'I48.91': ['fibrillation', 'arrhythmia'] } });
 * const classLogProbabilities = verbalizer.processLogits(maskLogits); // [batch, 2]
 * ```
 */
export class ManualVerbalizer extends Verbalizer {
  readonly tokenizer: TokenizerLike;
  readonly multiTokenHandler: MultiTokenHandler;
  protected table: LabelWordTable;

  constructor(options: ManualVerbalizerOptions, fn = 'ManualVerbalizer') {
    if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
    const { classes, words } = resolveLabelWords(fn, options.labelWords, options.classes);
    super(classes, options, fn);
    if (!options.tokenizer || typeof options.tokenizer.encode !== 'function')
      invalidArgument(fn, 'tokenizer', 'a TokenizerLike', options.tokenizer);
    this.tokenizer = options.tokenizer;
    this.multiTokenHandler = options.multiTokenHandler ?? 'first';
    assertOneOf(fn, 'multiTokenHandler', this.multiTokenHandler, ['first', 'mean', 'max'] as const);
    const prefix = options.prefix ?? ' ';
    if (typeof prefix !== 'string') invalidArgument(fn, 'prefix', 'a string', prefix);
    this.table = this.buildTable(fn, words, prefix, options);
  }

  /**
   * Label words → id tables (OpenPrompt's `on_label_words_set`); subclasses may filter words here. It
   * runs inside the constructor, before a subclass's fields are set: read options from `options`.
   */
  protected buildTable(
    fn: string,
    words: readonly (readonly string[])[],
    prefix: string,
    _options: ManualVerbalizerOptions,
  ): LabelWordTable {
    return labelWordTable(fn, this.tokenizer, addPrefix(words, prefix));
  }

  /** The label words in use, per class (after the prefix and any filtering). */
  get labelWords(): readonly (readonly string[])[] {
    return this.table.words;
  }

  protected override labelWordMask(): tf.Tensor2D {
    return tf.tensor2d(this.table.wordMask, [this.table.numClasses, this.table.maxWords]);
  }

  protected project(outputs: MaskOutputs): tf.Tensor3D {
    const { numClasses, maxWords, maxPieces } = this.table;
    const logits = outputs.logits();
    const [batch, vocab] = logits.shape;
    // tf.gather would fail on an id past the logits' width with a bare kernel error: say what is wrong.
    const largestId = this.table.ids.reduce((largest, id) => Math.max(largest, id), 0);
    if (vocab <= largestId)
      invalidArgument(
        `${this.constructor.name}.processOutputs`,
        'logits',
        `[batch, vocab] logits over the tokenizer's vocabulary (wider than the largest label-word id, ${largestId})`,
        `shape [${logits.shape}]`,
      );
    // Gather along axis 0 of the transposed logits: @icd/train registers the gather gradient for axis 0.
    const picked = tf.transpose(tf.gather(tf.transpose(logits), tf.tensor1d(this.table.ids, 'int32')));
    const gathered = tf.reshape(picked, [batch, numClasses, maxWords, maxPieces]) as tf.Tensor4D;
    const pieceMask = tf.tensor3d(this.table.pieceMask, [numClasses, maxWords, maxPieces]);
    let words: tf.Tensor3D;
    if (this.multiTokenHandler === 'first') {
      words = tf.squeeze(tf.slice(gathered, [0, 0, 0, 0], [batch, numClasses, maxWords, 1]), [3]);
    } else if (this.multiTokenHandler === 'max') {
      words = tf.max(tf.sub(gathered, tf.mul(1000, tf.sub(1, pieceMask))), -1);
    } else {
      words = tf.div(tf.sum(tf.mul(gathered, pieceMask), -1), tf.add(tf.sum(pieceMask, -1), 1e-15));
    }
    return tf.sub(words, tf.mul(10000, tf.sub(1, this.labelWordMask())));
  }

  override toJSON(): VerbalizerJson {
    return {
      type: 'manual',
      classes: this.classes,
      labelWords: this.labelWords,
      prefix: '',
      multiTokenHandler: this.multiTokenHandler,
      postLogSoftmax: this.postLogSoftmax,
    };
  }
}
