import type { CodePrediction, NotePrediction, PredictOptions } from '@icd/core';
import { assertFiniteNumber, assertInteger } from '@icd/core';

/**
 * One note's ranked codes from class probabilities: descending score (ties keep label order), each
 * compared with its threshold — per code when `thresholds` is given (multi-label), else the note's top
 * probability (single-label: only the best code is predicted); `options.threshold` overrides both.
 *
 * @example
 * ```ts
 * rankPredictions('n1', ['I10', 'I48'], Float32Array.of(0.2, 0.8), undefined, {}).ranked[0]!.code; // 'I48'
 * ```
 */
export function rankPredictions(
  noteId: string,
  labels: readonly string[],
  probabilities: Float32Array,
  thresholds: Float64Array | undefined,
  options: PredictOptions,
): NotePrediction {
  const fn = 'PromptForClassification.predict';
  if (options.threshold !== undefined)
    assertFiniteNumber(fn, 'threshold', options.threshold, { min: 0, max: 1 });
  if (options.topK !== undefined) assertInteger(fn, 'topK', options.topK, { min: 1 });
  const top = Math.max(...probabilities);
  const order = labels.map((_, i) => i).sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  const ranked: CodePrediction[] = order.slice(0, options.topK ?? labels.length).map((i) => {
    const score = probabilities[i]!;
    const threshold = options.threshold ?? (thresholds ? thresholds[i]! : top);
    return { code: labels[i]!, score, threshold, predicted: score >= threshold, evidence: [] };
  });
  return { noteId, ranked, evidenceSource: 'none' };
}
