/**
 * Plain-array references of the label heads, written from their equations (no tfjs, no ONNX), applied
 * to PyTorch's hidden states of fixtures/tiny/expected.json: the independent side of the head tests.
 */

/** A weight as `[rows, columns]` row-major values (`[in, out]` for linear weights). */
export interface Matrix {
  readonly values: ArrayLike<number>;
  readonly rows: number;
  readonly columns: number;
}

const at = (m: Matrix, row: number, column: number) => m.values[row * m.columns + column] as number;

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is 1.5e-7 accurate; enough against a 1e-4 tolerance.
  const sign = Math.sign(x);
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return sign * y;
}

function dense(x: readonly number[], weight: Matrix, bias: ArrayLike<number>): number[] {
  return Array.from({ length: weight.columns }, (_, j) => {
    let sum = bias[j] as number;
    for (let i = 0; i < weight.rows; i++) sum += (x[i] as number) * at(weight, i, j);
    return sum;
  });
}

/** Row `position` of note `note` of a flat `[batch, sequence, hidden]` array. */
function state(
  hidden: ArrayLike<number>,
  note: number,
  position: number,
  sequence: number,
  width: number,
): number[] {
  return Array.from({ length: width }, (_, k) => hidden[(note * sequence + position) * width + k] as number);
}

/** ClsHead: pool ('cls' = position 0, 'mean' = mean over mask 1), then linear or dense → act → dense. */
export function clsHeadReference(
  hidden: ArrayLike<number>,
  mask: readonly (readonly number[])[],
  width: number,
  head: {
    pooling: 'cls' | 'mean';
    activation?: 'tanh' | 'gelu';
    pre?: { weight: Matrix; bias: ArrayLike<number> };
    classifier: { weight: Matrix; bias: ArrayLike<number> };
  },
): number[][] {
  const sequence = (mask[0] as readonly number[]).length;
  return mask.map((row, note) => {
    let pooled: number[];
    if (head.pooling === 'cls') pooled = state(hidden, note, 0, sequence, width);
    else {
      pooled = new Array(width).fill(0);
      const count = Math.max(
        row.reduce((a, b) => a + b, 0),
        1,
      );
      row.forEach((m, position) => {
        if (m > 0)
          state(hidden, note, position, sequence, width).forEach((v, k) => {
            pooled[k]! += v / count;
          });
      });
    }
    let features = pooled;
    if (head.pre) {
      features = dense(pooled, head.pre.weight, head.pre.bias).map((x) =>
        head.activation === 'gelu' ? 0.5 * x * (1 + erf(x / Math.SQRT2)) : Math.tanh(x),
      );
    }
    return dense(features, head.classifier.weight, head.classifier.bias);
  });
}

/**
 * LAAT (eqs. 2–4): Z = tanh(H W), A = softmax over real positions of U Zᵀ (a fully padded row: zeros),
 * V = A H, logits_l = ⟨w_l, v_l⟩ + b_l. `Ut` is `[projection, labels]`, `wt` `[hidden, labels]`.
 */
export function labelAttentionReference(
  hidden: ArrayLike<number>,
  mask: readonly (readonly number[])[],
  width: number,
  weights: { W: Matrix; Ut: Matrix; wt: Matrix; b: ArrayLike<number> },
): { logits: number[][]; attention: number[][][] } {
  const sequence = (mask[0] as readonly number[]).length;
  const labels = weights.Ut.columns;
  const logits: number[][] = [];
  const attention: number[][][] = [];
  mask.forEach((row, note) => {
    const H = Array.from({ length: sequence }, (_, position) =>
      state(hidden, note, position, sequence, width),
    );
    const Z = H.map((h) => dense(h, weights.W, new Array(weights.W.columns).fill(0)).map(Math.tanh));
    const noteLogits: number[] = [];
    const noteAttention: number[][] = [];
    for (let l = 0; l < labels; l++) {
      const scores = Z.map((z) => z.reduce((sum, v, k) => sum + v * at(weights.Ut, k, l), 0));
      const real = scores.filter((_, position) => (row[position] as number) > 0);
      const max = real.length > 0 ? Math.max(...real) : 0;
      const exps = scores.map((s, position) => ((row[position] as number) > 0 ? Math.exp(s - max) : 0));
      const total = exps.reduce((a, b) => a + b, 0);
      const a = exps.map((e) => (total > 0 ? e / total : 0));
      let logit = weights.b[l] as number;
      for (let k = 0; k < width; k++) {
        let v = 0;
        for (let position = 0; position < sequence; position++)
          v += (a[position] as number) * (H[position]![k] as number);
        logit += v * at(weights.wt, k, l);
      }
      noteLogits.push(logit);
      noteAttention.push(a);
    }
    logits.push(noteLogits);
    attention.push(noteAttention);
  });
  return { logits, attention };
}

/** A head weight (tf.Variable) as a {@link Matrix}. */
export async function matrixOf(weight: {
  shape: readonly number[];
  data(): Promise<unknown>;
}): Promise<Matrix> {
  const values = (await weight.data()) as Float32Array;
  return { values, rows: weight.shape[0] as number, columns: weight.shape[1] ?? 1 };
}
