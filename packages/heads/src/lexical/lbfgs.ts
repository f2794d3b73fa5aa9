/** Value and gradient of a smooth function at `x`; writes the gradient into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Stop when the largest absolute gradient entry is at most this. Default 1e-4 (scikit-learn's `tol`). */
  readonly tolerance?: number;
  /** At most this many iterations. Default 500. */
  readonly maxIterations?: number;
  /** Pairs of the history. Default 10. */
  readonly memory?: number;
}

/** Where {@link minimizeLbfgs} stopped. */
export interface LbfgsResult {
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
};
const maxAbs = (a: Float64Array) => {
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index]!));
  return max;
};

/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4) with a backtracking Armijo line search, for
 * smooth strictly convex objectives (where every step keeps the curvature pair positive). Minimises
 * in place: `x` holds the minimiser on return.
 *
 * @example
 * ```ts
 * const x = new Float64Array(2);
 * minimizeLbfgs((v, g) => { g[0] = 2 * (v[0]! - 1); g[1] = 2 * (v[1]! + 2); return (v[0]! - 1) ** 2 + (v[1]! + 2) ** 2; }, x);
 * x; // ≈ [1, -2]
 * ```
 */
export function minimizeLbfgs(
  objective: Objective,
  x: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const tolerance = options.tolerance ?? 1e-4;
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.memory ?? 10;
  const size = x.length;
  let gradient = new Float64Array(size);
  let value = objective(x, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const alphas = new Float64Array(memory);
  const direction = new Float64Array(size);
  const candidate = new Float64Array(size);
  let candidateGradient = new Float64Array(size);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= tolerance) return { value, iterations: iteration, converged: true };
    // Two-loop recursion: direction = -H·gradient.
    direction.set(gradient);
    for (let pair = steps.length - 1; pair >= 0; pair--) {
      const alpha = rhos[pair]! * dot(steps[pair]!, direction);
      alphas[pair] = alpha;
      const change = changes[pair]!;
      for (let index = 0; index < size; index++) direction[index]! -= alpha * change[index]!;
    }
    let scale = 1 / Math.max(Math.sqrt(dot(gradient, gradient)), 1e-300);
    if (steps.length > 0) {
      const last = changes.length - 1;
      scale = dot(steps[last]!, changes[last]!) / dot(changes[last]!, changes[last]!);
    }
    for (let index = 0; index < size; index++) direction[index]! *= scale;
    for (let pair = 0; pair < steps.length; pair++) {
      const beta = rhos[pair]! * dot(changes[pair]!, direction);
      const step = steps[pair]!;
      const correction = alphas[pair]! - beta;
      for (let index = 0; index < size; index++) direction[index]! += correction * step[index]!;
    }
    for (let index = 0; index < size; index++) direction[index] = -direction[index]!;
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      rhos.length = 0;
      for (let index = 0; index < size; index++) direction[index] = -gradient[index]! * scale;
      slope = dot(gradient, direction);
    }
    let stepLength = 1;
    let candidateValue = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 40; trial++) {
      for (let index = 0; index < size; index++)
        candidate[index] = x[index]! + stepLength * direction[index]!;
      candidateValue = objective(candidate, candidateGradient);
      if (candidateValue <= value + 1e-4 * stepLength * slope) break;
      stepLength *= 0.5;
    }
    if (!(candidateValue <= value)) return { value, iterations: iteration, converged: false };
    const step = new Float64Array(size);
    const change = new Float64Array(size);
    for (let index = 0; index < size; index++) {
      step[index] = candidate[index]! - x[index]!;
      change[index] = candidateGradient[index]! - gradient[index]!;
    }
    const curvature = dot(step, change);
    const decrease = value - candidateValue;
    x.set(candidate);
    [gradient, candidateGradient] = [candidateGradient, gradient];
    value = candidateValue;
    if (curvature > 1e-300) {
      if (steps.length === memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
      steps.push(step);
      changes.push(change);
      rhos.push(1 / curvature);
    }
    if (decrease <= 1e-16 * Math.max(1, Math.abs(value)))
      return { value, iterations: iteration + 1, converged: maxAbs(gradient) <= tolerance };
  }
  return { value, iterations: maxIterations, converged: maxAbs(gradient) <= tolerance };
}
