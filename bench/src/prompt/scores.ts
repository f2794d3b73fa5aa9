/**
 * Held-out scores of one system with bootstrap 95% intervals over notes: micro-F1, macro-AUC,
 * accuracy (single-label: top-1; multi-label: exact match of the predicted code set) and, multi-label,
 * P@5. Probabilities are `notes × classes`; truth is indicator rows.
 */
import { bootstrapConfidenceInterval, f1Score, precisionAtK, rocAucScore } from '@icd/metrics';

export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

export interface Scores {
  readonly microF1: Interval;
  readonly macroAuc: Interval;
  readonly accuracy: Interval;
  readonly precisionAt5?: Interval;
}

const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
};

export function scoreProbabilities(
  truth: readonly (readonly number[])[],
  probabilities: readonly ArrayLike<number>[],
  options: {
    readonly multiLabel: boolean;
    readonly thresholds?: ArrayLike<number>;
    readonly resamples: number;
    readonly seed: number;
  },
): Scores {
  const classes = truth[0]!.length;
  const scores = probabilities.map((row) => Array.from(row));
  const predicted = scores.map((row) => {
    if (!options.multiLabel) {
      const top = argmax(row);
      return row.map((_, j) => (j === top ? 1 : 0));
    }
    return row.map((p, j) => (p >= (options.thresholds?.[j] ?? 0.5) ? 1 : 0));
  });
  const pick = <T>(values: readonly T[], indices: Uint32Array) => Array.from(indices, (i) => values[i]!);
  const boot = (statistic: (indices: Uint32Array) => number): Interval => {
    const { estimate, lower, upper } = bootstrapConfidenceInterval(truth.length, statistic, {
      resamples: options.resamples,
      seed: options.seed,
    });
    return { estimate, lower, upper };
  };
  const exact: number[] = truth.map((row, i) =>
    row.every((value, j) => value === predicted[i]![j]) ? 1 : 0,
  );
  const out: Scores = {
    microF1: boot((idx) =>
      f1Score(pick(truth, idx) as number[][], pick(predicted, idx), { average: 'micro', zeroDivision: 0 }),
    ),
    macroAuc: boot((idx) =>
      rocAucScore(pick(truth, idx) as number[][], pick(scores, idx), {
        average: 'macro',
        undefinedLabels: 'skip',
      }),
    ),
    accuracy: boot((idx) => pick(exact, idx).reduce((a, b) => a + b, 0) / idx.length),
  };
  if (options.multiLabel && classes >= 5)
    return {
      ...out,
      precisionAt5: boot((idx) => precisionAtK(pick(truth, idx) as number[][], pick(scores, idx), 5)),
    };
  return out;
}

export const fixed = (value: number | undefined, digits = 3) =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '—';

export const interval = (value: Interval | undefined) =>
  value ? `${fixed(value.estimate)} [${fixed(value.lower)}, ${fixed(value.upper)}]` : '—';
