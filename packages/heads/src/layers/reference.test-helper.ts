import * as tf from '@tensorflow/tfjs-core';

// Plain-array references for the layer tests: the papers' equations written out with loops, no tf.

export type Matrix = number[][];

/** A seeded uniform generator (mulberry32), so every test input is fixed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `rows × cols` values uniform in [−scale, scale]. */
export function randomMatrix(next: () => number, rows: number, cols: number, scale = 1): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (2 * next() - 1) * scale));
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  const inner = b.length;
  const cols = b[0]?.length ?? 0;
  return a.map((row) => {
    const out = new Array<number>(cols).fill(0);
    for (let k = 0; k < inner; k++) {
      const value = row[k] as number;
      const other = b[k] as number[];
      for (let j = 0; j < cols; j++) out[j] = (out[j] as number) + value * (other[j] as number);
    }
    return out;
  });
}

export function transpose(a: Matrix): Matrix {
  const cols = a[0]?.length ?? 0;
  return Array.from({ length: cols }, (_, j) => a.map((row) => row[j] as number));
}

export function mapMatrix(a: Matrix, f: (x: number) => number): Matrix {
  return a.map((row) => row.map(f));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Row softmax over the positions whose mask is 1 (max over those subtracted); all-zero row when none. */
export function maskedSoftmax(scores: readonly number[], mask: readonly number[]): number[] {
  let max = Number.NEGATIVE_INFINITY;
  scores.forEach((s, i) => {
    if (mask[i] === 1 && s > max) max = s;
  });
  if (max === Number.NEGATIVE_INFINITY) return scores.map(() => 0);
  const e = scores.map((s, i) => (mask[i] === 1 ? Math.exp(s - max) : 0));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

/** erf to ~1e-12 (series below 3, continued fraction above). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return sign * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}

export const geluExact = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

/** The largest |a − b| over two nested arrays of the same shape. */
export function maxAbsDiff(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return Number.POSITIVE_INFINITY;
    return a.reduce((worst: number, x, i) => Math.max(worst, maxAbsDiff(x, b[i])), 0);
  }
  return Math.abs((a as number) - (b as number));
}

/**
 * Mean binary cross-entropy on logits, log(1 + eˣ) − x·y, written with kernels whose gradients
 * `@icd/train` registers. (Not the relu/abs "stable" form: its subgradients at exactly x = 0 — the
 * logit of a fully padded note under a zero bias — give −y instead of σ(0) − y.) For test-size logits.
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    tf.mean(tf.sub(tf.log(tf.add(1, tf.exp(logits))), tf.mul(logits, targets))),
  ) as tf.Scalar;
}
