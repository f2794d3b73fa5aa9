import type { DifferentiableEncoder, LabelHead } from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { CachedNote } from './hidden-state-cache.js';
import type { NoteWindows } from './note-windows.js';

/**
 * The label head every function of this package trains and codes with (tfjs tensors and variables).
 *
 * @example
 * ```ts
 * const head: TfLabelHead = new LabelAttention({ labels: ['I10'], hiddenSize: 128 });
 * ```
 */
export type TfLabelHead = LabelHead<tf.Tensor, tf.Variable>;

/**
 * The differentiable encoder a tunable-encoder head trains through.
 *
 * @example
 * ```ts
 * const encoder: TfDifferentiableEncoder = createTinyBert().bert;
 * ```
 */
export type TfDifferentiableEncoder = DifferentiableEncoder<tf.Tensor, tf.Variable>;

/**
 * Heads that can skip their `[batch, labels, sequence]` attention output (`LabelAttention`'s
 * `outputLabelAttention`) are asked to; other heads ignore the extra field. @internal
 */
export const withoutAttention = { outputLabelAttention: false } as const;

/**
 * Training targets: multi-label 0/1 indicators `[notes, labels]`, or single-label class indices.
 *
 * @example
 * ```ts
 * const targets: HeadTargets = { kind: 'single_label', classes: Int32Array.of(0, 1) };
 * ```
 */
export type HeadTargets =
  | { readonly kind: 'multi_label'; readonly indicators: Float32Array; readonly width: number }
  | { readonly kind: 'single_label'; readonly classes: Int32Array };

/**
 * Targets of a head from notes' codes. Multi-label: codes outside the head's label space are ignored
 * (a head over the 50 most frequent codes learns those 50). Single-label: exactly one known code per note.
 */
export function headTargets(
  fn: string,
  argument: string,
  head: TfLabelHead,
  codes: readonly (readonly string[] | string)[],
): HeadTargets {
  const index = new Map(head.labels.map((label, i) => [label, i]));
  const width = head.labels.length;
  if (head.problemType === 'single_label') {
    const classes = new Int32Array(codes.length);
    codes.forEach((value, row) => {
      const list = typeof value === 'string' ? [value] : value;
      const known = list.filter((code) => index.has(code));
      if (known.length !== 1)
        invalidArgument(fn, `${argument}[${row}].codes`, "exactly one code of the head's labels", value);
      classes[row] = index.get(known[0]!)!;
    });
    return { kind: 'single_label', classes };
  }
  const indicators = new Float32Array(codes.length * width);
  codes.forEach((value, row) => {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list)) invalidArgument(fn, `${argument}[${row}].codes`, 'an array of codes', value);
    for (const code of list) {
      const column = index.get(code);
      if (column !== undefined) indicators[row * width + column] = 1;
    }
  });
  return { kind: 'multi_label', indicators, width };
}

/** The targets of the rows `rows`, as a tensor (`[b, labels]` float32 or `[b]` int32). */
export function targetTensor(targets: HeadTargets, rows: readonly number[]): tf.Tensor {
  if (targets.kind === 'single_label')
    return tf.tensor1d(
      rows.map((row) => targets.classes[row] as number),
      'int32',
    );
  const { indicators, width } = targets;
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    values.set(indicators.subarray(row * width, (row + 1) * width), i * width);
  });
  return tf.tensor2d(values, [rows.length, width]);
}

/**
 * Mean loss of a head's logits: multi-label BCE with logits over every (note, label) cell,
 * `max(x, 0) − x·y + log(1 + e^{−|x|})` (the overflow-free form of PyTorch's `BCEWithLogitsLoss`; its
 * gradient is σ(x) − y everywhere, x = 0 included), or
 * single-label cross-entropy `−log softmax(x)_y` averaged over notes (`CrossEntropyLoss`).
 *
 * @example
 * ```ts
 * const loss = headLoss(logits, tf.tensor2d([[1, 0]]), 'multi_label'); // scalar
 * ```
 */
export function headLoss(
  logits: tf.Tensor,
  targets: tf.Tensor,
  problemType: 'multi_label' | 'single_label',
): tf.Scalar {
  const fn = 'headLoss';
  if (!(logits instanceof tf.Tensor) || logits.isDisposed || logits.rank !== 2)
    invalidArgument(fn, 'logits', 'a live [batch, numLabels] tensor', logits);
  if (problemType !== 'multi_label' && problemType !== 'single_label')
    invalidArgument(fn, 'problemType', "'multi_label' or 'single_label'", problemType);
  const [batch, width] = logits.shape as [number, number];
  const expected = problemType === 'multi_label' ? [batch, width] : [batch];
  if (
    !(targets instanceof tf.Tensor) ||
    targets.isDisposed ||
    targets.rank !== expected.length ||
    targets.shape.some((size, axis) => size !== expected[axis])
  )
    invalidArgument(
      fn,
      'targets',
      problemType === 'multi_label'
        ? `a live [${batch}, ${width}] tensor of 0/1 targets, the shape of logits`
        : `a live [${batch}] tensor of class indices`,
      targets instanceof tf.Tensor ? `shape [${targets.shape.join(', ')}]` : targets,
    );
  return tf.tidy(() => {
    if (problemType === 'single_label') {
      const logProbabilities = tf.logSoftmax(logits as tf.Tensor2D);
      const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(targets as tf.Tensor1D, logits.shape[1]!)), 1);
      return tf.neg(tf.mean(picked)) as tf.Scalar;
    }
    // max(x, 0) written as (x + |x|) / 2 (the same value, exactly): both |x| terms then share one
    // subgradient s at x = 0, and the gradient there is ½ + ½s − y − ½s = σ(0) − y for any s, as
    // PyTorch gives. With relu(x) it would be relu'(0) − y + ½·(−sign'(0)) = −y (every backend's
    // relu'(0) is 0), so a logit at exactly 0 (a fully padded note, a zero-initialised bias) got the
    // wrong push.
    const absolute = tf.abs(logits);
    const positivePart = tf.mul(tf.add(logits, absolute), 0.5);
    const cells = tf.add(
      tf.sub(positivePart, tf.mul(logits, targets)),
      tf.log(tf.add(1, tf.exp(tf.neg(absolute)))),
    );
    return tf.mean(cells) as tf.Scalar;
  });
}

/** `[b, T, hidden]` states and `[b, T]` float mask of cached notes, padded to the longest. */
export function cachedBatch(notes: readonly CachedNote[]): { states: tf.Tensor3D; mask: tf.Tensor2D } {
  const width = notes[0]!.hiddenSize;
  const length = Math.max(1, ...notes.map((note) => note.states.length / width));
  const states = new Float32Array(notes.length * length * width);
  const mask = new Float32Array(notes.length * length);
  notes.forEach((note, row) => {
    states.set(note.states, row * length * width);
    mask.fill(1, row * length, row * length + note.states.length / width);
  });
  return {
    states: tf.tensor3d(states, [notes.length, length, width]),
    mask: tf.tensor2d(mask, [notes.length, length]),
  };
}

/**
 * The same `[b, T, hidden]` layout computed by a differentiable encoder inside the graph (so gradients
 * reach it): every window of the batch in one `forward`, then gathered into each note's concatenation.
 */
export function encodedBatch(
  encoder: TfDifferentiableEncoder,
  notes: readonly NoteWindows[],
  options: { training: boolean; dropoutSeed?: number; padTokenId: number },
): { states: tf.Tensor3D; mask: tf.Tensor2D } {
  const windows: { note: number; from: number; to: number }[] = [];
  notes.forEach((note, index) => {
    for (let w = 0; w < note.windowCount; w++)
      windows.push({
        note: index,
        from: note.windowStarts[w] as number,
        to: note.windowStarts[w + 1] as number,
      });
  });
  const windowLength = Math.max(...windows.map(({ from, to }) => to - from));
  const inputIds = new Int32Array(windows.length * windowLength).fill(options.padTokenId);
  const attention = new Int32Array(windows.length * windowLength);
  const typeIds = new Int32Array(windows.length * windowLength);
  windows.forEach(({ note, from, to }, row) => {
    inputIds.set(notes[note]!.ids.subarray(from, to), row * windowLength);
    typeIds.set(notes[note]!.typeIds.subarray(from, to), row * windowLength);
    attention.fill(1, row * windowLength, row * windowLength + to - from);
  });
  const length = Math.max(1, ...notes.map((note) => note.windowStarts[note.windowCount] as number));
  // Position t of note n reads row (window, column) of the encoder output; padding reads row 0, masked.
  const gather = new Int32Array(notes.length * length);
  const mask = new Float32Array(notes.length * length);
  windows.forEach(({ note, from, to }, row) => {
    for (let t = from; t < to; t++) {
      gather[note * length + t] = row * windowLength + (t - from);
      mask[note * length + t] = 1;
    }
  });
  const shape: [number, number] = [windows.length, windowLength];
  return tf.tidy(() => {
    const { lastHiddenState } = encoder.forward(
      {
        inputIds: tf.tensor2d(inputIds, shape, 'int32'),
        attentionMask: tf.tensor2d(attention, shape, 'int32'),
        tokenTypeIds: tf.tensor2d(typeIds, shape, 'int32'),
      },
      {
        training: options.training,
        ...(options.dropoutSeed === undefined ? {} : { dropoutSeed: options.dropoutSeed }),
      },
    );
    const width = lastHiddenState.shape[2] as number;
    const rows = tf.reshape(lastHiddenState, [windows.length * windowLength, width]);
    const states = tf.reshape(tf.gather(rows, tf.tensor1d(gather, 'int32')), [notes.length, length, width]);
    return { states: states as tf.Tensor3D, mask: tf.tensor2d(mask, [notes.length, length]) };
  });
}
