import {
  assertFiniteNumber,
  assertInteger,
  type CodePrediction,
  type Coder,
  type Evidence,
  invalidArgument,
  type NoteInput,
  type NotePrediction,
  type PredictOptions,
} from '@icd/core';
import { meanAveragePrecision } from '@icd/metrics';
import { checkPredictArguments } from '../ranking.js';

/** A score matrix, row-major (the shape `@icd/metrics` reads). */
export interface ScoreMatrix {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

const checkLambda = (fn: string, lambda: number) =>
  assertFiniteNumber(fn, 'lambda', lambda, { min: 0, max: 1 });

/**
 * Eq. 5 of the LLM-ICD paper on two score matrices of the same shape: `Y = λ·A + (1 − λ)·B`.
 *
 * @example
 * ```ts
 * ensembleScores({ data: [0.8, 0.2], rows: 1, cols: 2 }, { data: [0.4, 0.6], rows: 1, cols: 2 }, 0.25).data; // [0.5, 0.5]
 * ```
 */
export function ensembleScores(
  a: ScoreMatrix,
  b: ScoreMatrix,
  lambda: number,
): { data: Float64Array; rows: number; cols: number } {
  const fn = 'ensembleScores';
  checkLambda(fn, lambda);
  for (const [name, matrix] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (matrix === null || typeof matrix !== 'object' || matrix.data?.length === undefined)
      invalidArgument(fn, name, 'a { data, rows, cols } score matrix', matrix);
    assertInteger(fn, `${name}.rows`, matrix.rows, { min: 0 });
    assertInteger(fn, `${name}.cols`, matrix.cols, { min: 0 });
  }
  if (
    a.rows !== b.rows ||
    a.cols !== b.cols ||
    a.data.length !== a.rows * a.cols ||
    b.data.length !== b.rows * b.cols
  )
    invalidArgument(fn, 'b', `a ${a.rows} × ${a.cols} matrix like a`, `${b.rows} × ${b.cols}`);
  const data = new Float64Array(a.data.length);
  for (let index = 0; index < data.length; index++) {
    const left = a.data[index] as number;
    const right = b.data[index] as number;
    // A NaN would silently poison the merged ranking.
    if (!Number.isFinite(left)) invalidArgument(fn, `a.data[${index}]`, 'a finite score', left);
    if (!Number.isFinite(right)) invalidArgument(fn, `b.data[${index}]`, 'a finite score', right);
    data[index] = lambda * left + (1 - lambda) * right;
  }
  return { data, rows: a.rows, cols: a.cols };
}

/**
 * Eq. 5 on two coders' predictions of the same notes (same order): each code's score is
 * `λ·score_a + (1 − λ)·score_b` over the union of both rankings (a code one side did not rank counts 0
 * there), compared with `threshold`; evidence of both sides, best first.
 *
 * @example
 * ```ts
 * const merged = mergePredictions(neural, lexical, 0.6, { threshold: 0.3 });
 * ```
 */
export function mergePredictions(
  a: readonly NotePrediction[],
  b: readonly NotePrediction[],
  lambda: number,
  options: { threshold?: number; topK?: number; maxEvidence?: number } = {},
): NotePrediction[] {
  const fn = 'mergePredictions';
  checkLambda(fn, lambda);
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
    invalidArgument(
      fn,
      'b',
      `${Array.isArray(a) ? a.length : 0} predictions like a`,
      Array.isArray(b) ? b.length : b,
    );
  const threshold = options.threshold ?? 0.5;
  assertFiniteNumber(fn, 'threshold', threshold);
  const maxEvidence = options.maxEvidence ?? 3;
  return a.map((left, index) => {
    const right = b[index]!;
    if (left.noteId !== right.noteId)
      invalidArgument(fn, `b[${index}].noteId`, `'${left.noteId}'`, right.noteId);
    const scores = new Map<string, { score: number; evidence: Evidence[]; order: number }>();
    const add = (codes: readonly CodePrediction[], weight: number, side: 'a' | 'b') => {
      const seen = new Set<string>();
      for (const [rank, code] of codes.entries()) {
        // A code ranked twice by one side would count twice in λ·a + (1 − λ)·b.
        if (seen.has(code?.code))
          invalidArgument(
            fn,
            `${side}[${index}].ranked[${rank}].code`,
            'a code not already ranked',
            code.code,
          );
        seen.add(code?.code);
        // A NaN score would make the merged sort order undefined.
        if (typeof code?.score !== 'number' || !Number.isFinite(code.score))
          invalidArgument(fn, `${side}[${index}].ranked[${rank}].score`, 'a finite score', code?.score);
        const entry = scores.get(code.code) ?? { score: 0, evidence: [], order: scores.size };
        entry.score += weight * code.score;
        entry.evidence.push(...code.evidence);
        scores.set(code.code, entry);
      }
    };
    add(left.ranked, lambda, 'a');
    add(right.ranked, 1 - lambda, 'b');
    const merged = [...scores.entries()]
      .sort(([, x], [, y]) => y.score - x.score || x.order - y.order)
      .slice(0, options.topK ?? scores.size)
      .map(([code, entry]) => {
        const predicted = entry.score >= threshold;
        const evidence = predicted
          ? entry.evidence.sort((x, y) => y.score - x.score).slice(0, maxEvidence)
          : [];
        return { code, score: entry.score, threshold, predicted, evidence };
      });
    const source = merged.find((code) => code.evidence.length > 0)?.evidence[0]?.source ?? 'none';
    return { noteId: left.noteId, ranked: merged, evidenceSource: source };
  });
}

/** The outcome of {@link tuneEnsembleWeight}. */
export interface TunedEnsembleWeight {
  readonly lambda: number;
  /** The metric at `lambda`. */
  readonly value: number;
  /** Every λ tried and its metric. */
  readonly curve: readonly { lambda: number; value: number }[];
}

/**
 * Chooses λ of eq. 5 on validation predictions: the λ of `grid` (default 0, 0.05, …, 1) that maximises
 * `metric` (default: CodiEsp MAP of `@icd/metrics`, over documents with a prediction); ties keep the
 * smaller λ. Tune on validation notes, never on the notes you report.
 *
 * @example
 * ```ts
 * const { lambda } = tuneEnsembleWeight(gold, neuralOnValidation, lexicalOnValidation);
 * const coder = ensemble(neural, lexical, lambda);
 * ```
 */
export function tuneEnsembleWeight(
  gold: ReadonlyMap<string, readonly string[]>,
  a: readonly NotePrediction[],
  b: readonly NotePrediction[],
  options: {
    grid?: readonly number[];
    metric?: (gold: ReadonlyMap<string, readonly string[]>, merged: readonly NotePrediction[]) => number;
  } = {},
): TunedEnsembleWeight {
  const grid = options.grid ?? Array.from({ length: 21 }, (_, step) => step / 20);
  if (!Array.isArray(grid) || grid.length === 0)
    invalidArgument('tuneEnsembleWeight', 'grid', 'a non-empty array', grid);
  const metric =
    options.metric ??
    ((truth, merged) =>
      meanAveragePrecision(truth, new Map(merged.map((p) => [p.noteId, p.ranked.map((code) => code.code)]))));
  const curve = grid.map((lambda) => ({
    lambda,
    value: metric(gold, mergePredictions(a, b, lambda, { maxEvidence: 0 })),
  }));
  const best = curve.reduce((top, point) => (point.value > top.value ? point : top), curve[0]!);
  return { lambda: best.lambda, value: best.value, curve };
}

/** A {@link Coder} that merges two coders by eq. 5; see {@link ensemble}. */
export class EnsembleCoder implements Coder {
  readonly labels: readonly string[];
  constructor(
    readonly first: Coder,
    readonly second: Coder,
    readonly lambda: number,
    readonly threshold = 0.5,
  ) {
    checkLambda('EnsembleCoder', lambda);
    assertFiniteNumber('EnsembleCoder', 'threshold', threshold);
    this.labels = [...new Set([...first.labels, ...second.labels])];
  }

  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    checkPredictArguments('EnsembleCoder.predict', notes, options);
    const inner = {
      ...(options.signal ? { signal: options.signal } : {}),
      evidence: options.evidence !== false,
      // Each member returns up to maxEvidence spans per code, so the merge can keep maxEvidence of them.
      ...(options.maxEvidence !== undefined ? { maxEvidence: options.maxEvidence } : {}),
    };
    const [a, b] = await Promise.all([this.first.predict(notes, inner), this.second.predict(notes, inner)]);
    options.signal?.throwIfAborted();
    return mergePredictions(a, b, this.lambda, {
      threshold: options.threshold ?? this.threshold,
      ...(options.topK !== undefined ? { topK: options.topK } : {}),
      maxEvidence: options.evidence === false ? 0 : (options.maxEvidence ?? 3),
    });
  }

  /** Disposes both members. */
  dispose(): void {
    this.first.dispose();
    this.second.dispose();
  }
}

/**
 * `ensemble(a, b, λ)`: eq. 5 of the LLM-ICD paper, `Y = λ·Y_a + (1 − λ)·Y_b`, for any two coders
 * (label attention and a prompt model, neural and lexical, dictionary and lexical). Choose λ with
 * {@link tuneEnsembleWeight} on validation data.
 *
 * @example
 * ```ts
 * const coder = ensemble(dictionaryCoder, lexicalCoder, 0.4, { threshold: 0.2 });
 * const [prediction] = await coder.predict([{ id: 'n1', text: 'Known atrial fibrillation.' }]);
 * ```
 */
export function ensemble(
  a: Coder,
  b: Coder,
  lambda: number,
  options: { threshold?: number } = {},
): EnsembleCoder {
  return new EnsembleCoder(a, b, lambda, options.threshold ?? 0.5);
}
