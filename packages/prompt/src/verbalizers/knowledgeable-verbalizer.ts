import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { type LabelWordTable, labelWordTable } from './label-words.js';
import { ManualVerbalizer, type ManualVerbalizerOptions } from './manual-verbalizer.js';
import type { MaskOutputs } from './mask-outputs.js';
import type { VerbalizerJson } from './verbalizer.js';

/**
 * Options of {@link KnowledgeableVerbalizer}.
 *
 * @example
 * ```ts
 * const options: KnowledgeableVerbalizerOptions = { tokenizer, labelWords, maxTokenSplit: 2, candidateFraction: 0.5 };
 * ```
 */
export interface KnowledgeableVerbalizerOptions extends ManualVerbalizerOptions {
  /** Drop label words of more pieces than this (default -1: keep all), as KPT drops rare words. */
  readonly maxTokenSplit?: number;
  /** Calibration drops words with a piece among the lowest `candidateFraction` of the vocabulary (default 0.5). */
  readonly candidateFraction?: number;
  /** Temperature of the word weights at prediction time (default 1). */
  readonly predictionTemperature?: number;
  /** Saved word weights `[classes, words]` (default zeros: equal weights). */
  readonly wordWeights?: tf.Tensor2D;
}

/**
 * Knowledgeable prompt-tuning (Hu et al. 2022, KPT; OpenPrompt's `KnowledgeableVerbalizer`): large
 * label-word sets expanded from a knowledge base (for ICD codes: the description and inclusion terms
 * of each code), refined by removing words shared between classes (except a class's first word) and,
 * when a support set is registered, words whose pieces the masked LM finds improbable in context
 * (the lowest `candidateFraction` of the vocabulary); contextual calibration; and learnable
 * per-word weights (`label_words_weights`, softmax over each class's words) in place of the mean.
 *
 * @example
 * ```ts
 * const kpt = new KnowledgeableVerbalizer({ tokenizer, labelWords: { I10: ['hypertension', 'high', 'pressure'], I48: ['fibrillation', 'atrial'] } });
 * kpt.registerCalibration(meanSupportLogits); // refines the words, then calibrates
 * ```
 */
export class KnowledgeableVerbalizer extends ManualVerbalizer {
  readonly maxTokenSplit: number;
  readonly candidateFraction: number;
  readonly predictionTemperature: number;
  private wordWeights: tf.Variable;

  constructor(options: KnowledgeableVerbalizerOptions) {
    super(options, 'KnowledgeableVerbalizer');
    this.maxTokenSplit = options.maxTokenSplit ?? -1;
    this.candidateFraction = options.candidateFraction ?? 0.5;
    assertFiniteNumber('KnowledgeableVerbalizer', 'candidateFraction', this.candidateFraction, {
      min: 0,
      max: 1,
    });
    this.predictionTemperature = options.predictionTemperature ?? 1;
    assertFiniteNumber('KnowledgeableVerbalizer', 'predictionTemperature', this.predictionTemperature, {
      min: 0,
    });
    this.wordWeights = this.createWordWeights(options.wordWeights);
  }

  private createWordWeights(saved?: tf.Tensor2D): tf.Variable {
    const shape: [number, number] = [this.table.numClasses, this.table.maxWords];
    if (saved && (saved.rank !== 2 || saved.shape[0] !== shape[0] || saved.shape[1] !== shape[1]))
      invalidArgument('KnowledgeableVerbalizer', 'wordWeights', `a [${shape}] tensor`, saved.shape);
    // tf.variable keeps the initial tensor's data but not the tensor: dispose it (a tensor per load).
    const initial = saved ? saved.clone() : tf.zeros(shape);
    const variable = tf.variable(initial, true);
    initial.dispose();
    return variable;
  }

  /** OpenPrompt's `delete_common_words`, the KPT prefix (`prefix + word.lstrip(prefix)`), `max_token_split`. */
  protected override buildTable(
    fn: string,
    words: readonly (readonly string[])[],
    prefix: string,
    options: ManualVerbalizerOptions & Pick<KnowledgeableVerbalizerOptions, 'maxTokenSplit'>,
  ): LabelWordTable {
    const maxTokenSplit = options.maxTokenSplit ?? -1;
    assertInteger(fn, 'maxTokenSplit', maxTokenSplit, { min: -1 });
    const lists = words.map((list) => [...list]);
    const count = new Map<string, number>();
    for (const list of lists) for (const word of list) count.set(word, (count.get(word) ?? 0) + 1);
    for (const [word, n] of count) {
      if (n < 2) continue;
      for (const list of lists) {
        const at = list.indexOf(word, 1);
        if (at >= 1) list.splice(at, 1);
      }
    }
    const stripped = (word: string) => {
      let rest = word;
      if (prefix.length > 0) while ([...prefix].includes(rest[0] ?? '')) rest = rest.slice(1);
      return prefix + rest;
    };
    const kept: string[][] = [];
    const pieces: number[][][] = [];
    for (const list of lists) {
      const keptWords: string[] = [];
      const keptPieces: number[][] = [];
      for (const word of list.map(stripped)) {
        const ids = this.tokenizer.encode(word, null, { addSpecialTokens: false }).ids.slice();
        if (maxTokenSplit > 0 && ids.length > maxTokenSplit) continue;
        keptWords.push(word);
        keptPieces.push(ids);
      }
      if (keptWords.length === 0)
        invalidArgument(
          fn,
          'labelWords',
          `at least one word per class within maxTokenSplit ${maxTokenSplit}`,
          list,
        );
      kept.push(keptWords);
      pieces.push(keptPieces);
    }
    return labelWordTable(fn, this.tokenizer, kept, pieces);
  }

  /** The learnable word weights `label_words_weights` `[classes, words]`. */
  override get weights(): ReadonlyMap<string, tf.Variable> {
    return new Map([['label_words_weights', this.wordWeights]]);
  }

  /** Softmax of the word weights over each class's real words (× temperature when predicting), then a weighted sum. */
  protected override aggregate(scores: tf.Tensor3D, outputs: MaskOutputs): tf.Tensor2D {
    const mask = this.labelWordMask();
    const temperature = outputs.training ? 1 : this.predictionTemperature;
    const weights = tf.softmax(
      tf.sub(tf.mul(this.wordWeights, temperature), tf.mul(10000, tf.sub(1, mask))),
      -1,
    );
    return tf.sum(tf.mul(tf.mul(scores, mask), weights), -1);
  }

  /**
   * KPT's refinement, then calibration: drops every label word with a piece among the lowest
   * `candidateFraction · vocab` support logits (each class keeps its words otherwise; weights restart
   * at zero, as OpenPrompt regenerates them), then registers the logits for calibration.
   */
  override registerCalibration(meanLogits: tf.Tensor1D | Float32Array | readonly number[]): void {
    super.registerCalibration(meanLogits);
    const logits = this.calibration!;
    const removed = Math.floor(this.candidateFraction * logits.length);
    const order = Array.from(logits.keys()).sort((a, b) => logits[a]! - logits[b]! || a - b);
    const low = new Set(order.slice(0, removed));
    const { ids, maxWords, maxPieces, words } = this.table;
    const kept = words.map((list, c) =>
      list.filter((_, w) => {
        for (let p = 0; p < maxPieces; p += 1) {
          const id = ids[(c * maxWords + w) * maxPieces + p]!;
          if (id !== 0 && low.has(id)) return false;
        }
        return true;
      }),
    );
    const empty = kept.findIndex((list) => list.length === 0);
    if (empty >= 0)
      invalidArgument(
        'KnowledgeableVerbalizer.registerCalibration',
        'meanLogits',
        `logits that keep a word of class ${JSON.stringify(this.classes[empty])}`,
        words[empty],
      );
    this.table = this.buildTable('KnowledgeableVerbalizer.registerCalibration', kept, '', {
      tokenizer: this.tokenizer,
      labelWords: kept,
      maxTokenSplit: this.maxTokenSplit,
    });
    this.wordWeights.dispose();
    this.wordWeights = this.createWordWeights();
  }

  override toJSON(): VerbalizerJson {
    return {
      ...super.toJSON(),
      type: 'knowledgeable',
      maxTokenSplit: this.maxTokenSplit,
      candidateFraction: this.candidateFraction,
      predictionTemperature: this.predictionTemperature,
    };
  }
}
