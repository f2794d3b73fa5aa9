import { assertFiniteNumber, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  type KnowledgeEmbeddings,
  KnowledgeInjectedLabelAttention,
  knowledgeEmbeddingsName,
  knowledgeInjectionWeightName,
} from './knowledge-injection.js';
import { LabelAttention, labelAttentionWeightNames } from './label-attention.js';

/**
 * Options of {@link initialiseLabelQueriesFromDescriptions}.
 *
 * @example
 * ```ts
 * const options: DescriptionQueryOptions = { labels: unseenCodes, queryScale: 4, center: meanTokenState };
 * ```
 */
export interface DescriptionQueryOptions {
  /** The labels the rows of `descriptionEmbeddings` belong to, in order (default: all of `head.labels`). */
  readonly labels?: readonly string[];
  /** s_q, the score of a position that looks exactly like the description: `u_l = s_q · z_l / ‖z_l‖²` (default 10). */
  readonly queryScale?: number;
  /** s_w, the length of the output vector `w_l` (default 1). */
  readonly outputScale?: number;
  /**
   * c, a typical hidden state (e.g. the mean token state of training notes, `[hiddenSize]`) that the
   * output vector is centred on (default the zero vector).
   */
  readonly center?: readonly number[] | Float32Array;
  /** β, the score of a note whose attended state is c (default: keep each label's current bias). */
  readonly bias?: number;
}

/**
 * Description-initialised label queries, so that a code with no training example can still be
 * ranked: for each label l of `options.labels` with description embedding e_l (`[hiddenSize]`, e.g.
 * {@link encodeKnowledgeTexts} of its long description, through the same encoder as the notes), set
 *
 * - the query row of U: `u_l = s_q · z_l / ‖z_l‖²` with `z_l = tanh((e_l − c) W)`, the description's
 *   own point in the attention space (the map tokens go through in eq. 2), so a position whose
 *   `tanh(h_t W)` equals `z_l` scores exactly `s_q` and label l attends to the tokens whose projection
 *   points the way its description's does (centring on c removes the part every token shares, which
 *   the softmax ignores anyway, from the query);
 * - the output vector: `w_l = s_w · (e_l − c) / ‖e_l − c‖`, and the bias `b_l = β − ⟨w_l, c⟩`, so that
 *   `logit_l = s_w · ⟨v_l − c, (e_l − c)/‖e_l − c‖⟩ + β` grows as the attended state v_l moves from the
 *   typical state c towards the description.
 *
 * For a {@link KnowledgeInjectedLabelAttention}, e_l first goes through the head's injection (eq. 9, as
 * a one-token note) so that it lives where the attended states D' do. Only the given labels' entries
 * change (in place: `assign` on the head's variables); W and the other labels keep their values, so this
 * runs before or after training the seen codes. Throws an `InvalidArgumentError` for an unknown label,
 * a wrong shape, a non-finite value, or e_l = c.
 *
 * @example
 * ```ts
 * const unseen = codes.filter((code) => trainCount.get(code) === 0);
 * const described = await encodeKnowledgeTexts(encoder, tokenizer, unseen.map((c) => table.get(c)!.longDescription));
 * initialiseLabelQueriesFromDescriptions(head, described, { labels: unseen, queryScale: 4 });
 * ```
 */
export function initialiseLabelQueriesFromDescriptions(
  head: LabelAttention | KnowledgeInjectedLabelAttention,
  descriptionEmbeddings: KnowledgeEmbeddings,
  options: DescriptionQueryOptions = {},
): void {
  const fn = 'initialiseLabelQueriesFromDescriptions';
  const attention = head instanceof KnowledgeInjectedLabelAttention ? head.labelAttention : head;
  if (!(attention instanceof LabelAttention)) {
    invalidArgument(fn, 'head', 'a LabelAttention or KnowledgeInjectedLabelAttention', head);
  }
  if (attention.isDisposed)
    invalidArgument(fn, 'head', 'a head that has not been disposed', 'a disposed head');
  if (options === null || typeof options !== 'object')
    invalidArgument(fn, 'options', 'an options object', options);
  const labels = options.labels ?? attention.labels;
  if (!Array.isArray(labels) || labels.length === 0)
    invalidArgument(fn, 'labels', 'a non-empty array of labels', labels);
  const index = new Map(attention.labels.map((label, i) => [label, i]));
  const rows = labels.map((label, i) => {
    const row = index.get(label);
    if (row === undefined) invalidArgument(fn, `labels[${i}]`, "one of the head's labels", label);
    return row;
  });
  if (new Set(rows).size !== rows.length) invalidArgument(fn, 'labels', 'labels without repeats', labels);
  const queryScale = options.queryScale ?? 10;
  assertFiniteNumber(fn, 'queryScale', queryScale);
  const outputScale = options.outputScale ?? 1;
  assertFiniteNumber(fn, 'outputScale', outputScale);
  if (options.bias !== undefined) assertFiniteNumber(fn, 'bias', options.bias);
  const hidden = attention.hiddenSize;
  const center = options.center === undefined ? new Float32Array(hidden) : Float32Array.from(options.center);
  if (center.length !== hidden || !center.every(Number.isFinite)) {
    invalidArgument(fn, 'center', `${hidden} finite numbers`, options.center);
  }
  const E = toRows(fn, descriptionEmbeddings, labels.length, hidden);

  tf.tidy(() => {
    let described: tf.Tensor2D = tf.tensor2d(E, [labels.length, hidden]);
    if (head instanceof KnowledgeInjectedLabelAttention) {
      // e' = e + softmax(e Z_mᵀ) Z_m: the description as a one-token note through eq. 9.
      const Wk = head.weights.get(knowledgeInjectionWeightName) as tf.Variable;
      const Zm = tf.matMul(head.buffers.get(knowledgeEmbeddingsName) as tf.Tensor2D, Wk);
      described = tf.add(described, tf.matMul(tf.softmax(tf.matMul(described, Zm, false, true)), Zm));
    }
    const W = attention.weights.get(labelAttentionWeightNames.projection) as tf.Variable;
    const c = tf.tensor1d(center);
    const offsets = tf.sub(described, c); // e − c
    const norms = tf.norm(offsets, 'euclidean', 1, true);
    norms.dataSync().forEach((norm, i) => {
      if (!(norm > 0))
        invalidArgument(fn, `descriptionEmbeddings[${i}]`, 'an embedding different from center', 'e_l = c');
    });
    const z = tf.tanh(tf.matMul(offsets, W)); // tanh((e − c) W): [n, projection]
    const zNorms = tf.sum(tf.square(z), 1, true);
    if (!zNorms.dataSync().every((x) => x > 0)) {
      invalidArgument(
        fn,
        'descriptionEmbeddings',
        'embeddings whose projection tanh((e − c) W) is not zero',
        'a zero projection',
      );
    }
    const queries = tf.mul(tf.div(z, zNorms), queryScale); // u = s_q · z / ‖z‖²
    const outputs = tf.mul(tf.div(offsets, norms), outputScale); // [n, hidden]
    const rowIndex = tf.tensor1d(rows, 'int32');
    const Ut = attention.weights.get(labelAttentionWeightNames.queries) as tf.Variable; // [projection, labels]
    const wt = attention.weights.get(labelAttentionWeightNames.output) as tf.Variable; // [hidden, labels]
    const b = attention.weights.get(labelAttentionWeightNames.outputBias) as tf.Variable; // [labels]
    const current = b.dataSync();
    const biasValues = tf.sub(
      tf.tensor1d(rows.map((row) => options.bias ?? (current[row] as number))),
      tf.sum(tf.mul(outputs, c), 1),
    );
    Ut.assign(scatterColumns(Ut, rowIndex, tf.transpose(queries)));
    wt.assign(scatterColumns(wt, rowIndex, tf.transpose(outputs)));
    b.assign(
      tf.reshape(scatterColumns(tf.reshape(b, [1, -1]), rowIndex, tf.reshape(biasValues, [1, -1])), [-1]),
    );
  });
}

// `matrix` with its columns `columns` replaced by the columns of `values` (same row count).
function scatterColumns(matrix: tf.Tensor, columns: tf.Tensor1D, values: tf.Tensor): tf.Tensor {
  const oneHot = tf.cast(tf.oneHot(columns, matrix.shape[1] as number), 'float32'); // [n, labels]
  const replaced = tf.sum(oneHot, 0); // 1 for the columns that change
  return tf.add(tf.mul(matrix, tf.sub(1, replaced)), tf.matMul(values as tf.Tensor2D, oneHot as tf.Tensor2D));
}

function toRows(fn: string, value: KnowledgeEmbeddings, rows: number, hidden: number): Float32Array {
  const argument = 'descriptionEmbeddings';
  let data: Float32Array;
  let shape: readonly number[];
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) invalidArgument(fn, argument, 'a live tensor', value);
    data = Float32Array.from(value.dataSync());
    shape = value.shape;
  } else if (Array.isArray(value)) {
    if (!value.every((row) => Array.isArray(row))) invalidArgument(fn, argument, 'rows of numbers', value);
    data = Float32Array.from((value as number[][]).flat());
    shape = [value.length, (value[0] as number[] | undefined)?.length ?? 0];
    if (!value.every((row) => (row as number[]).length === shape[1]))
      invalidArgument(fn, argument, 'rows of one length', value);
  } else if (value !== null && typeof value === 'object' && 'data' in value && 'shape' in value) {
    data = Float32Array.from(value.data);
    shape = value.shape;
  } else {
    invalidArgument(fn, argument, 'a [labels, hidden] tf.Tensor, TensorData or rows of numbers', value);
  }
  if (shape.length !== 2 || shape[0] !== rows || shape[1] !== hidden || data.length !== rows * hidden) {
    invalidArgument(
      fn,
      argument,
      `a [${rows}, ${hidden}] matrix (one row per label)`,
      `shape [${shape.join(', ')}]`,
    );
  }
  if (!data.every(Number.isFinite))
    invalidArgument(fn, argument, 'finite values', 'a matrix with NaN or ±Infinity');
  return data;
}
