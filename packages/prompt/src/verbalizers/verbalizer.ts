import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { type MaskOutputs, maskOutputsFromLogits } from './mask-outputs.js';

/**
 * Options every verbalizer takes.
 *
 * @example
 * ```ts
 * const options: VerbalizerOptions = { postLogSoftmax: false };
 * ```
 */
export interface VerbalizerOptions {
  /**
   * Normalise label-word scores into probabilities over all label words, calibrate, and take the log
   * before aggregating (OpenPrompt's `post_log_softmax`). Default true; a subclass may default otherwise.
   */
  readonly postLogSoftmax?: boolean;
}

/**
 * A verbalizer's saved form: its `type` plus whatever its subclass needs (label words, options).
 *
 * @example
 * ```ts
 * const json: VerbalizerJson = { type: 'manual', classes: ['I10', 'I48'], labelWords: [['hypertension'], ['fibrillation']] };
 * ```
 */
export interface VerbalizerJson {
  readonly type: string;
  readonly classes: readonly string[];
  readonly [option: string]: unknown;
}

/**
 * Maps the masked LM's outputs at the `[MASK]` position to one score per class. This is the extension
 * point of `@icd/prompt`: downstream packages write their own verbalizers by extending it.
 *
 * The contract:
 * - Subclasses MUST implement {@link project}: mask outputs → label-word scores
 *   `[batch, classes, wordsPerClass]`. Reading `outputs.logits()` computes the vocabulary logits
 *   (`[batch, vocab]`); a verbalizer that reads only `outputs.hiddenState` or `outputs.transformed()`
 *   never pays for that projection.
 * - They MAY override {@link normalize} (default: softmax over all label words of all classes),
 *   {@link calibrate} (default: OpenPrompt's contextual calibration by the support set's label-word
 *   probabilities), {@link aggregate} (default: mean over each class's real label words, see
 *   {@link labelWordMask}), and expose trainable variables through {@link weights}.
 * - {@link processOutputs} is the fixed template method (do not override it): project → (if
 *   `postLogSoftmax`: normalize → calibrate when registered → log) → aggregate, inside one `tf.tidy`.
 *   The result `[batch, classes]` are class logits (log-probabilities with `postLogSoftmax`).
 *
 * @example
 * ```ts
 * class FirstWordVerbalizer extends Verbalizer {
 *   constructor(classes: string[], private readonly ids: number[]) {
 *     super(classes);
 *   }
 *   protected project(outputs: MaskOutputs): tf.Tensor3D {
 *     // one label word per class: [batch, classes, 1] (gather on axis 0: its gradient is registered)
 *     const picked = tf.transpose(tf.gather(tf.transpose(outputs.logits()), this.ids));
 *     return tf.reshape(picked, [-1, this.ids.length, 1]) as tf.Tensor3D;
 *   }
 * }
 * const scores = new FirstWordVerbalizer(['I10', 'I48'], [7, 9]).processLogits(logits); // [batch, 2]
 * ```
 */
export abstract class Verbalizer {
  readonly classes: readonly string[];
  readonly postLogSoftmax: boolean;
  private calibrationLogits: tf.Tensor2D | undefined;

  protected constructor(classes: readonly string[], options: VerbalizerOptions = {}, fn = 'Verbalizer') {
    if (!Array.isArray(classes) || classes.length === 0)
      invalidArgument(fn, 'classes', 'a non-empty array of class names', classes);
    const seen = new Set<string>();
    for (const name of classes) {
      if (typeof name !== 'string' || name.length === 0)
        invalidArgument(fn, 'classes', 'class names that are non-empty strings', name);
      if (seen.has(name))
        invalidArgument(fn, 'classes', 'distinct class names', `${JSON.stringify(name)} twice`);
      seen.add(name);
    }
    this.classes = Object.freeze([...classes]);
    if (options.postLogSoftmax !== undefined && typeof options.postLogSoftmax !== 'boolean')
      invalidArgument(fn, 'postLogSoftmax', 'true or false', options.postLogSoftmax);
    this.postLogSoftmax = options.postLogSoftmax ?? true;
  }

  /** Trainable variables by name (none by default). */
  get weights(): ReadonlyMap<string, tf.Variable> {
    return new Map();
  }

  /** Mask outputs → label-word scores `[batch, classes, wordsPerClass]`. */
  protected abstract project(outputs: MaskOutputs): tf.Tensor3D;

  /** `[classes, wordsPerClass]`: 1 for a real label word, 0 for padding; `undefined` when all are real. */
  protected labelWordMask(): tf.Tensor2D | undefined {
    return undefined;
  }

  /** Label-word scores → probabilities over ALL label words of all classes (per note). */
  protected normalize(scores: tf.Tensor3D): tf.Tensor3D {
    const [batch] = scores.shape;
    return tf.reshape(tf.softmax(tf.reshape(scores, [batch, -1])), scores.shape);
  }

  /**
   * Divides the label-word probabilities by those of the registered support set and renormalises
   * (OpenPrompt's `ManualVerbalizer.calibrate`; Zhao et al. 2021's contextual calibration).
   */
  protected calibrate(probabilities: tf.Tensor3D, calibration: tf.Tensor3D): tf.Tensor3D {
    const [batch] = probabilities.shape;
    const divided = tf.div(probabilities, tf.add(calibration, 1e-15));
    const flat = tf.reshape(divided, [batch, -1]);
    return tf.reshape(tf.div(flat, tf.sum(flat, -1, true)), probabilities.shape);
  }

  /** Label-word scores → class scores `[batch, classes]`: mean over each class's real label words. */
  protected aggregate(scores: tf.Tensor3D, _outputs: MaskOutputs): tf.Tensor2D {
    const mask = this.labelWordMask();
    if (!mask) return tf.mean(scores, -1);
    return tf.div(tf.sum(tf.mul(scores, mask), -1), tf.sum(mask, -1));
  }

  /** The fixed template method: mask outputs → class scores `[batch, classes]`. */
  processOutputs(outputs: MaskOutputs): tf.Tensor2D {
    return tf.tidy(() => {
      let scores = this.project(outputs);
      if (scores.rank !== 3 || scores.shape[1] !== this.classes.length)
        invalidArgument(
          `${this.constructor.name}.project`,
          'return value',
          `a [batch, ${this.classes.length}, wordsPerClass] tensor`,
          `shape [${scores.shape}]`,
        );
      if (this.postLogSoftmax) {
        let probabilities = this.normalize(scores);
        if (this.calibrationLogits) {
          const support = this.normalize(this.project(maskOutputsFromLogits(this.calibrationLogits)));
          probabilities = this.calibrate(probabilities, support);
        }
        scores = tf.log(tf.add(probabilities, 1e-15)) as tf.Tensor3D;
      }
      return this.aggregate(scores, outputs);
    });
  }

  /** {@link processOutputs} on vocabulary logits `[batch, vocab]` at the mask (OpenPrompt's `process_logits`). */
  processLogits(logits: tf.Tensor2D): tf.Tensor2D {
    return this.processOutputs(maskOutputsFromLogits(logits));
  }

  /**
   * Registers the mean vocabulary logits `[vocab]` at the mask over a support set (OpenPrompt's
   * `register_calibrate_logits`; `PromptForClassification.calibrate` computes them). Later calls of
   * {@link processOutputs} calibrate when `postLogSoftmax` is on. The verbalizer keeps its own copy.
   */
  registerCalibration(meanLogits: tf.Tensor1D | Float32Array | readonly number[]): void {
    this.setCalibrationLogits(
      meanLogits instanceof tf.Tensor
        ? (meanLogits.dataSync() as Float32Array)
        : Float32Array.from(meanLogits),
    );
  }

  /**
   * Stores calibration logits as they are, without what a subclass does on registration (KPT's word
   * refinement): for restoring a saved verbalizer.
   */
  setCalibrationLogits(values: Float32Array): void {
    if (!(values instanceof Float32Array) || values.length === 0 || !values.every(Number.isFinite))
      invalidArgument(
        'Verbalizer.registerCalibration',
        'meanLogits',
        'a non-empty vector of finite logits',
        values,
      );
    this.clearCalibration();
    this.calibrationLogits = tf.keep(tf.tensor2d(values, [1, values.length]));
  }

  /** The registered calibration logits `[vocab]`, if any (a copy). */
  get calibration(): Float32Array | undefined {
    return this.calibrationLogits ? Float32Array.from(this.calibrationLogits.dataSync()) : undefined;
  }

  /** Forgets the registered calibration. */
  clearCalibration(): void {
    this.calibrationLogits?.dispose();
    this.calibrationLogits = undefined;
  }

  /** The saved form (a subclass adds its own fields and a loader). */
  toJSON(): VerbalizerJson {
    return { type: this.constructor.name, classes: this.classes, postLogSoftmax: this.postLogSoftmax };
  }

  /** Frees the verbalizer's tensors. Calling it twice is harmless. */
  dispose(): void {
    this.clearCalibration();
    for (const variable of this.weights.values()) if (!variable.isDisposed) variable.dispose();
  }
}
