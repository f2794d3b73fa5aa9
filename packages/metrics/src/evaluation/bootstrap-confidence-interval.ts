import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import { percentileOfSorted, seededRandom } from '../internal/random.js';

/** Options of {@link bootstrapConfidenceInterval}. */
export interface BootstrapOptions {
  /** Number of resamples. Default 1000. */
  resamples?: number;
  /** Coverage of the interval, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Seed of the resampling; the same seed gives the same interval. Default 0. */
  seed?: number;
}

/** A percentile bootstrap interval and how it was obtained. */
export interface BootstrapInterval {
  /** The statistic on the original sample. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Standard deviation of the resampled statistics (ddof 1). */
  readonly standardError: number;
  readonly resamples: number;
  readonly confidence: number;
  readonly seed: number;
}

/**
 * Percentile bootstrap confidence interval of any metric over documents (Efron & Tibshirani, 1993):
 * draw `resamples` samples of `sampleCount` document indices with replacement (seeded), evaluate
 * `statistic` on each, and take the `(1 − c)/2` and `(1 + c)/2` percentiles (numpy's linear rule).
 * `statistic` receives the indices of one resample (the identity for the estimate); pair it with
 * {@link selectRows} to slice matrices.
 *
 * @example
 * ```ts
 * const interval = bootstrapConfidenceInterval(yTrue.length, (rows) =>
 *   f1Score(selectRows(yTrue, rows), selectRows(yPred, rows), { average: 'micro' }), { seed: 42 });
 * // { estimate, lower, upper, standardError, resamples: 1000, confidence: 0.95, seed: 42 }
 * ```
 */
export function bootstrapConfidenceInterval(
  sampleCount: number,
  statistic: (indices: Uint32Array) => number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const fn = 'bootstrapConfidenceInterval';
  assertInteger(fn, 'sampleCount', sampleCount, { min: 1 });
  if (typeof statistic !== 'function')
    invalidArgument(fn, 'statistic', 'a function of row indices', statistic);
  const resamples = options.resamples ?? 1000;
  assertInteger(fn, 'resamples', resamples, { min: 2 });
  const confidence = options.confidence ?? 0.95;
  assertFiniteNumber(fn, 'confidence', confidence, { min: 0, max: 1 });
  if (confidence === 0 || confidence === 1)
    invalidArgument(fn, 'confidence', 'strictly between 0 and 1', confidence);
  const seed = options.seed ?? 0;
  assertInteger(fn, 'seed', seed, { min: 0, max: 0xffffffff });

  const estimate = statistic(Uint32Array.from({ length: sampleCount }, (_, index) => index));
  const random = seededRandom(seed);
  const values = new Float64Array(resamples);
  const indices = new Uint32Array(sampleCount);
  for (let resample = 0; resample < resamples; resample++) {
    for (let index = 0; index < sampleCount; index++) indices[index] = Math.floor(random() * sampleCount);
    const value = statistic(indices);
    if (!Number.isFinite(value)) {
      invalidArgument(
        fn,
        'statistic',
        `a finite number on every resample (resample ${resample} gave ${value})`,
        value,
      );
    }
    values[resample] = value;
  }
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / resamples;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  values.sort();
  const tail = ((1 - confidence) / 2) * 100;
  return {
    estimate,
    lower: percentileOfSorted(values, tail),
    upper: percentileOfSorted(values, 100 - tail),
    standardError: Math.sqrt(squares / (resamples - 1)),
    resamples,
    confidence,
    seed,
  };
}
