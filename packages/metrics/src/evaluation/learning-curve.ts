import { assertInteger, invalidArgument } from '@icd/core';
import { seededPermutation } from '../internal/random.js';

/** Options of {@link learningCurveSubsets}. */
export interface LearningCurveOptions {
  /** Fractions of the training set, increasing, in (0, 1]. Default `[0.1, 0.25, 0.5, 0.75, 1]`. */
  fractions?: readonly number[];
  /** Seed of the shuffle. Default 0. */
  seed?: number;
}

/** One point of a learning curve: a training subset and its size. */
export interface LearningCurveSubset {
  readonly fraction: number;
  readonly size: number;
  /** Row indices of the training documents; each subset contains the previous one. */
  readonly indices: Uint32Array;
}

/**
 * Nested training subsets for a learning curve (score against training-set size): one seeded
 * shuffle, then prefixes of `round(fraction · total)` documents (at least 1), so that each larger
 * subset contains the smaller ones and the curve reflects data size rather than resampling noise.
 *
 * @example
 * ```ts
 * learningCurveSubsets(1000, { fractions: [0.1, 0.5, 1], seed: 7 }).map((s) => s.size); // [100, 500, 1000]
 * ```
 */
export function learningCurveSubsets(
  total: number,
  options: LearningCurveOptions = {},
): LearningCurveSubset[] {
  const fn = 'learningCurveSubsets';
  assertInteger(fn, 'total', total, { min: 1 });
  const fractions = options.fractions ?? [0.1, 0.25, 0.5, 0.75, 1];
  if (!Array.isArray(fractions) || fractions.length === 0)
    invalidArgument(fn, 'fractions', 'a non-empty array', fractions);
  fractions.forEach((fraction, index) => {
    const previous = index === 0 ? 0 : (fractions[index - 1] as number);
    if (typeof fraction !== 'number' || !(fraction > previous && fraction <= 1)) {
      invalidArgument(fn, 'fractions', 'increasing numbers in (0, 1]', fraction);
    }
  });
  const seed = options.seed ?? 0;
  assertInteger(fn, 'seed', seed, { min: 0, max: 0xffffffff });
  const order = seededPermutation(total, seed);
  return fractions.map((fraction) => {
    const size = Math.max(1, Math.round(fraction * total));
    return { fraction, size, indices: order.slice(0, size) };
  });
}

/** A measured learning-curve point, for {@link formatLearningCurve}. */
export interface LearningCurvePoint {
  readonly size: number;
  readonly score: number;
  readonly lower?: number;
  readonly upper?: number;
}

/**
 * Formats learning-curve points as a markdown table (`| training documents | score | 95% CI |`), the
 * form the papers' learning-curve figures are reported in.
 *
 * @example
 * ```ts
 * formatLearningCurve([{ size: 100, score: 0.41 }, { size: 500, score: 0.52, lower: 0.5, upper: 0.54 }], 'micro-F1');
 * ```
 */
export function formatLearningCurve(
  points: readonly LearningCurvePoint[],
  metricName = 'score',
  digits = 4,
): string {
  const fn = 'formatLearningCurve';
  if (!Array.isArray(points) || points.length === 0)
    invalidArgument(fn, 'points', 'a non-empty array', points);
  assertInteger(fn, 'digits', digits, { min: 0, max: 20 });
  const hasInterval = points.some((point) => point.lower !== undefined && point.upper !== undefined);
  const lines = [
    `| training documents | ${metricName} |${hasInterval ? ' interval |' : ''}`,
    `| ---: | ---: |${hasInterval ? ' :---: |' : ''}`,
  ];
  for (const point of points) {
    const interval =
      point.lower !== undefined && point.upper !== undefined
        ? ` [${point.lower.toFixed(digits)}, ${point.upper.toFixed(digits)}] |`
        : hasInterval
          ? ' |'
          : '';
    lines.push(`| ${point.size} | ${point.score.toFixed(digits)} |${interval}`);
  }
  return lines.join('\n');
}
