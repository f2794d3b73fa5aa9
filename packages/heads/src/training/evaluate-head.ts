import { tuneThreshold } from '@icd/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { headLoss, type TfLabelHead, targetTensor, withoutAttention } from './head-batches.js';
import type { BatchReader, PreparedExamples } from './train-head.js';

/**
 * A head's validation figures: the probabilities (`[notes, labels]`, sigmoid or softmax), the mean
 * loss, micro-F1 at the best global threshold (multi-label) or accuracy (single-label), and helpers to
 * tune and apply thresholds on the same probabilities. @internal
 */
export interface HeadEvaluation {
  readonly probabilities: Float32Array;
  readonly metrics: Readonly<Record<string, number>>;
  /** Thresholds maximising micro-F1 on these notes (`@icd/metrics`' `tuneThreshold`). */
  tune(mode: 'global' | 'perLabel'): Float64Array;
  /** Micro-F1 with the given thresholds, as `{ microF1AtThresholds }`. */
  at(thresholds: Float64Array): Record<string, number>;
}

/** Scores prepared examples with the head (no dropout) and computes the figures. @internal */
export async function evaluateHead(
  head: TfLabelHead,
  prepared: PreparedExamples,
  reader: BatchReader,
  { batchSize }: { batchSize: number },
): Promise<HeadEvaluation> {
  const count = prepared.cached?.length ?? prepared.windows!.length;
  const width = head.labels.length;
  const probabilities = new Float32Array(count * width);
  let lossSum = 0;
  for (let first = 0; first < count; first += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, count - first) }, (_, i) => first + i);
    const [probability, loss] = tf.tidy(() => {
      const { states, mask } = reader.read(prepared, rows, false, undefined);
      const { logits, labelAttention } = head.forward(states, mask, { training: false, ...withoutAttention });
      labelAttention?.dispose();
      const scores = head.problemType === 'multi_label' ? tf.sigmoid(logits) : tf.softmax(logits);
      return [scores, headLoss(logits, targetTensor(prepared.targets, rows), head.problemType)];
    });
    probabilities.set((await probability.data()) as Float32Array, first * width);
    lossSum += ((await loss.data())[0] as number) * rows.length;
    tf.dispose([probability, loss]);
  }
  const targets = prepared.targets;
  const truthRows = (): number[][] =>
    Array.from({ length: count }, (_, row) =>
      targets.kind === 'multi_label'
        ? Array.from(targets.indicators.subarray(row * width, (row + 1) * width))
        : [],
    );
  const scoreRows = (): number[][] =>
    Array.from({ length: count }, (_, row) =>
      Array.from(probabilities.subarray(row * width, (row + 1) * width)),
    );
  const metrics: Record<string, number> = { loss: lossSum / count };
  if (targets.kind === 'multi_label') {
    metrics.microF1 = tuneThreshold(truthRows(), scoreRows(), { mode: 'global' }).microF1;
  } else {
    let correct = 0;
    for (let row = 0; row < count; row++) {
      let bestLabel = 0;
      for (let label = 1; label < width; label++)
        if (
          (probabilities[row * width + label] as number) > (probabilities[row * width + bestLabel] as number)
        )
          bestLabel = label;
      if (bestLabel === targets.classes[row]) correct++;
    }
    metrics.accuracy = correct / count;
  }
  return {
    probabilities,
    metrics,
    tune: (mode) => tuneThreshold(truthRows(), scoreRows(), { mode }).thresholds,
    at: (thresholds): Record<string, number> => {
      if (targets.kind !== 'multi_label') return {};
      let truePositives = 0;
      let predicted = 0;
      let actual = 0;
      for (let row = 0; row < count; row++)
        for (let label = 0; label < width; label++) {
          const threshold = (thresholds.length === 1 ? thresholds[0] : thresholds[label]) as number;
          const yes = (probabilities[row * width + label] as number) >= threshold;
          const truth = targets.indicators[row * width + label] === 1;
          if (yes) predicted++;
          if (truth) actual++;
          if (yes && truth) truePositives++;
        }
      return {
        microF1AtThresholds: predicted + actual === 0 ? 0 : (2 * truePositives) / (predicted + actual),
      };
    },
  };
}
