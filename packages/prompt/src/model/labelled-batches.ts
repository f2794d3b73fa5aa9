import { invalidArgument } from '@icd/core';
import { f1Score } from '@icd/metrics';
import * as tf from '@tensorflow/tfjs-core';
import type { PromptBatch, WrappedExample } from '../templates/template.js';
import { sigmoidBinaryCrossEntropy, softmaxCrossEntropy } from './classification-losses.js';
import type { PromptForClassification } from './prompt-for-classification.js';
import type { PromptExample } from './train-prompt-model.js';

/** A wrapped batch with its targets as class indices and as indicator rows. */
export interface LabelledBatch {
  readonly prompt: PromptBatch;
  readonly classIndex: Int32Array;
  readonly indicators: Float32Array;
}

/** Class indices and indicator rows of the examples, checked against the model's classes. */
export function encodeLabels(
  model: PromptForClassification,
  examples: readonly PromptExample[],
  argument: string,
) {
  const index = new Map(model.labels.map((label, i) => [label, i]));
  const classes = model.labels.length;
  const classIndex = new Int32Array(examples.length);
  const indicators = new Float32Array(examples.length * classes);
  examples.forEach((example, row) => {
    const labels = typeof example?.labels === 'string' ? [example.labels] : example?.labels;
    if (!Array.isArray(labels))
      invalidArgument('trainPromptModel', argument, 'examples with labels', example);
    if (!model.multiLabel && labels.length !== 1)
      invalidArgument(
        'trainPromptModel',
        argument,
        'exactly one label per example (single-label model)',
        labels,
      );
    for (const label of labels) {
      const i = index.get(label);
      if (i === undefined)
        invalidArgument('trainPromptModel', argument, `labels among the model's ${classes} classes`, label);
      indicators[row * classes + i] = 1;
      classIndex[row] = i;
    }
  });
  return { classIndex, indicators };
}

/** Cross-entropy (single-label) or BCE (multi-label) of a batch's logits. */
export function batchLoss(
  model: PromptForClassification,
  batch: LabelledBatch,
  logits: tf.Tensor2D,
): tf.Scalar {
  return model.multiLabel
    ? sigmoidBinaryCrossEntropy(logits, batch.indicators)
    : softmaxCrossEntropy(logits, batch.classIndex);
}

/** The examples in `order`, wrapped and collated into batches. */
export function labelledBatches(
  model: PromptForClassification,
  wrapped: readonly WrappedExample[],
  labels: { classIndex: Int32Array; indicators: Float32Array },
  order: readonly number[],
  batchSize: number,
): LabelledBatch[] {
  const classes = model.labels.length;
  const out: LabelledBatch[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const indicators = new Float32Array(rows.length * classes);
    for (const [r, row] of rows.entries())
      indicators.set(labels.indicators.subarray(row * classes, (row + 1) * classes), r * classes);
    out.push({
      prompt: model.template.collate(rows.map((row) => wrapped[row]!)),
      classIndex: Int32Array.from(rows.map((row) => labels.classIndex[row]!)),
      indicators,
    });
  }
  return out;
}

/** Validation loss, accuracy (single-label) or micro-F1 at the model's thresholds, and the probabilities. */
export async function evaluatePromptModel(
  model: PromptForClassification,
  examples: readonly PromptExample[],
): Promise<{ metrics: Record<string, number>; probabilities: Float32Array[]; indicators: Float32Array }> {
  const labels = encodeLabels(model, examples, 'examples');
  const wrapped = examples.map((example) => model.template.wrap(example.input));
  const batches = labelledBatches(
    model,
    wrapped,
    labels,
    wrapped.map((_, i) => i),
    model.batchSize,
  );
  let total = 0;
  const probabilities: Float32Array[] = [];
  for (const batch of batches) {
    const [value, probs] = tf.tidy(() => {
      const logits = model.forward(batch.prompt);
      return [batchLoss(model, batch, logits), model.probabilities(logits)] as const;
    });
    total += (await value.data())[0]! * batch.classIndex.length;
    const data = (await probs.data()) as Float32Array;
    const width = model.labels.length;
    for (let r = 0; r < batch.classIndex.length; r += 1)
      probabilities.push(data.slice(r * width, (r + 1) * width));
    tf.dispose([value, probs]);
  }
  const metrics: Record<string, number> = { loss: total / examples.length };
  if (!model.multiLabel) {
    const correct = probabilities.filter(
      (row, i) => row.indexOf(Math.max(...row)) === labels.classIndex[i],
    ).length;
    metrics.accuracy = correct / examples.length;
  } else {
    const thresholds = model.thresholds;
    const predicted = probabilities.map((row) => Array.from(row, (p, j) => (p >= thresholds[j]! ? 1 : 0)));
    const truth = probabilities.map((_, i) =>
      Array.from(labels.indicators.subarray(i * model.labels.length, (i + 1) * model.labels.length)),
    );
    metrics.microF1 = f1Score(truth, predicted, { average: 'micro', zeroDivision: 0 });
  }
  return { metrics, probabilities, indicators: labels.indicators };
}
