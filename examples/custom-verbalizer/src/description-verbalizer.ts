import type { TokenizerLike } from '@icd/core';
import { type MaskOutputs, Verbalizer, type VerbalizerJson } from '@icd/prompt';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A verbalizer written downstream, from `@icd/prompt`'s public API only: each ICD code is scored by the
 * masked LM's logits at the mask for the word pieces of the code's DESCRIPTION ("atrial fibrillation",
 * "heart failure"), with the strongest piece counting most (a log-sum-exp instead of the mean).
 *
 * What it implements: `project` (required) and, optionally, `labelWordMask` and `aggregate`; the rest
 * (`normalize` over all pieces, calibration, the fixed `processOutputs`) comes from `Verbalizer`.
 */
export class DescriptionVerbalizer extends Verbalizer {
  private readonly ids: Int32Array;
  private readonly mask: Float32Array;
  private readonly width: number;

  constructor(
    classes: readonly string[],
    readonly descriptions: readonly string[],
    tokenizer: TokenizerLike,
  ) {
    super(classes, { postLogSoftmax: true });
    const pieces = descriptions.map((text) => tokenizer.encode(text, null, { addSpecialTokens: false }).ids);
    this.width = Math.max(...pieces.map((ids) => ids.length));
    this.ids = new Int32Array(classes.length * this.width);
    this.mask = new Float32Array(classes.length * this.width);
    pieces.forEach((ids, c) => {
      ids.forEach((id, p) => {
        this.ids[c * this.width + p] = id;
        this.mask[c * this.width + p] = 1;
      });
    });
  }

  /** Logits of every description piece: `[batch, classes, pieces]` (padding pushed far down). */
  protected project(outputs: MaskOutputs): tf.Tensor3D {
    const logits = outputs.logits();
    // Gather on axis 0 of the transposed logits: that gradient is registered for training.
    const picked = tf.transpose(tf.gather(tf.transpose(logits), tf.tensor1d(this.ids, 'int32')));
    const scores = tf.reshape(picked, [-1, this.classes.length, this.width]) as tf.Tensor3D;
    return tf.sub(scores, tf.mul(10000, tf.sub(1, this.labelWordMask()))) as tf.Tensor3D;
  }

  protected override labelWordMask(): tf.Tensor2D {
    return tf.tensor2d(this.mask, [this.classes.length, this.width]);
  }

  /** Log-sum-exp over each description's pieces (a soft maximum) instead of the mean. */
  protected override aggregate(scores: tf.Tensor3D): tf.Tensor2D {
    return tf.logSumExp(scores, -1) as tf.Tensor2D;
  }

  override toJSON(): VerbalizerJson {
    return { type: 'description', classes: this.classes, descriptions: this.descriptions };
  }

  /** The builder `promptModelFromFiles` / `loadPromptModel` call for `type: 'description'`. */
  static fromJSON(json: VerbalizerJson, tokenizer: TokenizerLike): DescriptionVerbalizer {
    return new DescriptionVerbalizer(json.classes, json.descriptions as string[], tokenizer);
  }
}
