import { assertFiniteNumber, invalidArgument } from '@icd/core';
import { type LbfgsOptions, minimizeLbfgs } from './lbfgs.js';
import type { SparseRows } from './tfidf-vectorizer.js';

/**
 * One-vs-rest L2 logistic regressions over shared sparse features, in kernel form: every weight vector
 * is `w_l = Σ_p γ_lp · x_p` over the support rows `x_p` of the training matrix, so a label scores a
 * row by `Σ_p γ_lp ⟨x_p, x⟩ + b_l`.
 */
export interface KernelLogisticModel {
  /** The training rows that span the weights. */
  readonly support: SparseRows;
  /** `labels × support.rows`, row-major. */
  readonly dual: Float64Array;
  readonly intercepts: Float64Array;
}

/** Options of {@link fitOneVsRestLogistic}. */
export interface LogisticOptions extends LbfgsOptions {
  /** Inverse regularisation strength, as scikit-learn's `C`. Default 1. */
  readonly c?: number;
  /** Called after each label with the number fitted so far. */
  readonly onLabel?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** `K[a][b] = ⟨x_a, y_b⟩` (rows of x by rows of y), row-major. */
export function sparseGram(x: SparseRows, y: SparseRows): Float64Array {
  // Scatter each row of x into a dense buffer and gather y's entries: O(nnz) per pair of rows.
  const out = new Float64Array(x.rows * y.rows);
  const dense = new Float64Array(Math.max(x.cols, y.cols));
  for (let a = 0; a < x.rows; a++) {
    for (let k = x.rowStart[a]!; k < x.rowStart[a + 1]!; k++) dense[x.indices[k]!] = x.values[k]!;
    for (let b = 0; b < y.rows; b++) {
      let sum = 0;
      for (let k = y.rowStart[b]!; k < y.rowStart[b + 1]!; k++) sum += dense[y.indices[k]!]! * y.values[k]!;
      out[a * y.rows + b] = sum;
    }
    for (let k = x.rowStart[a]!; k < x.rowStart[a + 1]!; k++) dense[x.indices[k]!] = 0;
  }
  return out;
}

/** Pivoted Cholesky of a PSD Gram matrix: `K ≈ L Lᵀ` with `L` n × rank, and the pivot rows in order. */
function pivotedCholesky(
  gram: Float64Array,
  n: number,
): { factor: Float64Array; rank: number; pivots: number[] } {
  const diagonal = new Float64Array(n);
  let largest = 0;
  for (let i = 0; i < n; i++) {
    diagonal[i] = gram[i * n + i]!;
    largest = Math.max(largest, diagonal[i]!);
  }
  const columns: Float64Array[] = [];
  const pivots: number[] = [];
  const used = new Uint8Array(n);
  const floor = 1e-10 * Math.max(largest, 1e-300);
  for (;;) {
    let pivot = -1;
    for (let i = 0; i < n; i++) if (!used[i] && (pivot < 0 || diagonal[i]! > diagonal[pivot]!)) pivot = i;
    if (pivot < 0 || !(diagonal[pivot]! > floor)) break;
    used[pivot] = 1;
    const column = new Float64Array(n);
    const root = Math.sqrt(diagonal[pivot]!);
    column[pivot] = root;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      let value = gram[i * n + pivot]!;
      for (const previous of columns) value -= previous[i]! * previous[pivot]!;
      column[i] = value / root;
      diagonal[i]! -= column[i]! * column[i]!;
    }
    columns.push(column);
    pivots.push(pivot);
  }
  const rank = columns.length;
  const factor = new Float64Array(n * rank);
  columns.forEach((column, k) => {
    for (let i = 0; i < n; i++) factor[i * rank + k] = column[i]!;
  });
  return { factor, rank, pivots };
}

/** The rows of `x` at `rows`, as a new CSR matrix. */
export function takeRows(x: SparseRows, rows: readonly number[]): SparseRows {
  const rowStart = new Uint32Array(rows.length + 1);
  let size = 0;
  rows.forEach((row, index) => {
    size += x.rowStart[row + 1]! - x.rowStart[row]!;
    rowStart[index + 1] = size;
  });
  const indices = new Uint32Array(size);
  const values = new Float32Array(size);
  rows.forEach((row, index) => {
    indices.set(x.indices.subarray(x.rowStart[row]!, x.rowStart[row + 1]!), rowStart[index]!);
    values.set(x.values.subarray(x.rowStart[row]!, x.rowStart[row + 1]!), rowStart[index]!);
  });
  return { rows: rows.length, cols: x.cols, rowStart, indices, values };
}

/**
 * Fits one binary L2 logistic regression per column of `targets` (rows × labels, 1 = positive), each
 * minimising scikit-learn's `LogisticRegression(C, penalty="l2", solver="lbfgs")` objective
 * `C·Σ_i log(1 + e^{-y_i(⟨w, x_i⟩ + b)}) + ½‖w‖²` (intercept not penalised). The optimum lies in the
 * span of the training rows, so each label is solved in the coordinates of a pivoted Cholesky factor of
 * the Gram matrix: rank ≤ rows variables instead of one per feature, which makes thousands of labels
 * over a few hundred notes a matter of seconds.
 *
 * @example
 * ```ts
 * const vectorizer = TfidfVectorizer.fit(texts);
 * const model = fitOneVsRestLogistic(vectorizer.transform(texts), [Uint8Array.of(1, 0, 1)], { c: 10 });
 * decisionValues(model, vectorizer.transform(['new note'])); // one logit per label
 * ```
 */
export function fitOneVsRestLogistic(
  features: SparseRows,
  targets: readonly Uint8Array[],
  options: LogisticOptions = {},
): KernelLogisticModel {
  const fn = 'fitOneVsRestLogistic';
  const c = options.c ?? 1;
  assertFiniteNumber(fn, 'c', c, { min: Number.MIN_VALUE });
  const n = features.rows;
  if (n === 0) invalidArgument(fn, 'features', 'at least one row', features);
  targets.forEach((column, label) => {
    if (column.length !== n) invalidArgument(fn, `targets[${label}]`, `${n} entries`, column.length);
  });
  const { factor, rank, pivots } = pivotedCholesky(sparseGram(features, features), n);
  const dual = new Float64Array(targets.length * rank);
  const intercepts = new Float64Array(targets.length);
  // Objective scaled as scikit-learn's: mean log-loss + ‖β‖² / (2·C·n).
  const regularisation = 1 / (c * n);
  const residuals = new Float64Array(n);
  targets.forEach((column, label) => {
    options.signal?.throwIfAborted();
    const objective = (theta: Float64Array, gradient: Float64Array) => {
      const bias = theta[rank]!;
      let loss = 0;
      let biasGradient = 0;
      for (let i = 0; i < n; i++) {
        let z = bias;
        const row = i * rank;
        for (let k = 0; k < rank; k++) z += factor[row + k]! * theta[k]!;
        const sign = column[i] ? 1 : -1;
        const t = -sign * z;
        loss += t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
        const residual = -sign / (1 + Math.exp(-t)) / n;
        residuals[i] = residual;
        biasGradient += residual;
      }
      let penalty = 0;
      for (let k = 0; k < rank; k++) {
        penalty += theta[k]! * theta[k]!;
        gradient[k] = regularisation * theta[k]!;
      }
      for (let i = 0; i < n; i++) {
        const residual = residuals[i]!;
        if (residual === 0) continue;
        const row = i * rank;
        for (let k = 0; k < rank; k++) gradient[k]! += residual * factor[row + k]!;
      }
      gradient[rank] = biasGradient;
      return loss / n + 0.5 * regularisation * penalty;
    };
    const theta = new Float64Array(rank + 1);
    minimizeLbfgs(objective, theta, options);
    // γ = L_Pᵀ⁻¹ β: back substitution on the pivot rows of the factor (lower triangular in pivot order).
    const gamma = dual.subarray(label * rank, (label + 1) * rank);
    for (let k = rank - 1; k >= 0; k--) {
      let value = theta[k]!;
      for (let j = k + 1; j < rank; j++) value -= factor[pivots[j]! * rank + k]! * gamma[j]!;
      gamma[k] = value / factor[pivots[k]! * rank + k]!;
    }
    intercepts[label] = theta[rank]!;
    options.onLabel?.(label + 1, targets.length);
  });
  return { support: takeRows(features, pivots), dual, intercepts };
}

/** Decision values `rows × labels` (row-major) of a fitted model on new rows. *
 * @example
 * ```ts
 * const logits = decisionValues(model, vectorizer.transform(['atrial fibrillation'])); // rows × labels
 * ```
 */
export function decisionValues(model: KernelLogisticModel, features: SparseRows): Float64Array {
  const labels = model.intercepts.length;
  const rank = model.support.rows;
  const kernel = sparseGram(features, model.support);
  const out = new Float64Array(features.rows * labels);
  for (let row = 0; row < features.rows; row++) {
    for (let label = 0; label < labels; label++) {
      let z = model.intercepts[label]!;
      const offset = label * rank;
      for (let k = 0; k < rank; k++) z += kernel[row * rank + k]! * model.dual[offset + k]!;
      out[row * labels + label] = z;
    }
  }
  return out;
}

/** `w_l[j]` for the given feature columns: `Σ_p γ_lp · x_p[j]`. *
 * @example
 * ```ts
 * labelWeights(model, 0, [vectorizer.column('fibrillation')!]); // that feature's weight for label 0
 * ```
 */
export function labelWeights(
  model: KernelLogisticModel,
  label: number,
  columns: readonly number[],
): Float64Array {
  const wanted = new Map(columns.map((column, position) => [column, position]));
  const out = new Float64Array(columns.length);
  const { support } = model;
  const offset = label * support.rows;
  for (let p = 0; p < support.rows; p++) {
    const gamma = model.dual[offset + p]!;
    if (gamma === 0) continue;
    for (let k = support.rowStart[p]!; k < support.rowStart[p + 1]!; k++) {
      const position = wanted.get(support.indices[k]!);
      if (position !== undefined) out[position]! += gamma * support.values[k]!;
    }
  }
  return out;
}
