import { UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

// Vector-Jacobian products of the shape, reduction, softmax, matMul and gather kernels (see
// register-gradients.ts for why @icd/train registers gradients itself).

type GradientMap = Record<string, () => tf.Tensor>;

/** Sums a broadcast gradient back to the shape of the input it was broadcast from. */
export function unbroadcast(gradient: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes([...shape], gradient.shape);
  const reduced = axes.length > 0 ? tf.sum(gradient, axes) : gradient;
  return tf.reshape(reduced, [...shape]);
}

/** Reshapes a reduction's gradient so it broadcasts over the reduced axes of `shape`. */
function expandReduced(dy: tf.Tensor, shape: readonly number[], axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], [...shape]);
  const kept = shape.map((size, index) => (axes.includes(index) ? 1 : size));
  return tf.reshape(dy, kept);
}

function reducedCount(shape: readonly number[], axis: unknown): number {
  return tf.util
    .parseAxisParam(axis as number | number[], [...shape])
    .reduce((count, a) => count * (shape[a] as number), 1);
}

/** matMul with a transposed operand materialised: tfjs-wasm only has a fast path without transposes. */
function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const swap = (x: tf.Tensor) => {
    const perm = x.shape.map((_, index) => index);
    perm.splice(-2, 2, x.rank - 1, x.rank - 2);
    return tf.transpose(x, perm);
  };
  return tf.matMul(transposeA ? swap(a) : a, transposeB ? swap(b) : b);
}

/** Gradients of kernels that move, reduce or multiply values. */
export const structuralGradients: tf.GradConfig[] = [
  {
    kernelName: 'Reshape',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as tf.Tensor, (saved[0] as tf.Tensor).shape) }),
  },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = attrs.perm as number[];
      const inverse = new Array<number>(perm.length);
      perm.forEach((axis, index) => {
        inverse[axis] = index;
      });
      return { x: () => tf.transpose(dy as tf.Tensor, inverse) };
    },
  },
  {
    kernelName: 'Slice',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const [begin, size] = tf.slice_util.parseSliceParams(
        x,
        attrs.begin as number[],
        attrs.size as number[],
      ) as [number[], number[]];
      const paddings = x.shape.map(
        (length, axis) =>
          [begin[axis] as number, length - (begin[axis] as number) - (size[axis] as number)] as [
            number,
            number,
          ],
      );
      return { x: () => tf.pad(dy as tf.Tensor, paddings) };
    },
  },
  {
    kernelName: 'Reverse',
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.reverse(dy as tf.Tensor, attrs.dims as number[]) }),
  },
  {
    kernelName: 'PadV2',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const begin = (attrs.paddings as [number, number][]).map((pair) => pair[0]);
      return { x: () => tf.slice(dy as tf.Tensor, begin, x.shape) };
    },
  },
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      return { x: () => tf.mul(expandReduced(dy as tf.Tensor, x.shape, attrs.axis), tf.onesLike(x)) };
    },
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const scale = 1 / reducedCount(x.shape, attrs.axis);
      return {
        x: () => tf.mul(expandReduced(tf.mul(dy as tf.Tensor, scale), x.shape, attrs.axis), tf.onesLike(x)),
      };
    },
  },
  {
    kernelName: 'Max',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [tf.Tensor, tf.Tensor];
      const axis = attrs.reductionIndices;
      const winners = tf.cast(tf.equal(x, expandReduced(y, x.shape, axis)), 'float32');
      return { x: () => tf.mul(expandReduced(dy as tf.Tensor, x.shape, axis), winners) };
    },
  },
  {
    // y = softmax(x): dx = (dy − Σ dy·y) · y along the softmax axis.
    kernelName: 'Softmax',
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const y = saved[0] as tf.Tensor;
      const weighted = tf.mul(dy as tf.Tensor, y);
      return { logits: () => tf.sub(weighted, tf.mul(tf.sum(weighted, attrs.dim as number, true), y)) };
    },
  },
  {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const gradient = dy as tf.Tensor;
      const transposeA = attrs.transposeA as boolean;
      const transposeB = attrs.transposeB as boolean;
      const da = () =>
        transposeA
          ? transposeB
            ? product(b, gradient, true, true)
            : product(b, gradient, false, true)
          : transposeB
            ? product(gradient, b, false, false)
            : product(gradient, b, false, true);
      const db = () =>
        transposeA
          ? transposeB
            ? product(gradient, a, true, true)
            : product(a, gradient, false, false)
          : transposeB
            ? product(gradient, a, true, false)
            : product(a, gradient, true, false);
      return { a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape) };
    },
  },
  {
    kernelName: 'GatherV2',
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      const [x, indices] = saved as [tf.Tensor, tf.Tensor];
      if ((attrs.axis as number) !== 0 || ((attrs.batchDims as number) ?? 0) !== 0) {
        throw new UnsupportedError({
          feature: 'gradient:GatherV2',
          message:
            '@icd/train registers the gather gradient for axis 0 only; gather along axis 0 (transpose first) or install @tensorflow/tfjs',
        });
      }
      const rows = tf.reshape(indices, [-1, 1]);
      const updates = tf.reshape(dy as tf.Tensor, [indices.size, ...x.shape.slice(1)]);
      return { x: () => tf.scatterND(rows, updates, x.shape), indices: () => tf.zerosLike(indices) };
    },
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, (saved[0] as tf.Tensor).shape)[0] as number;
      const parts = tf.split(
        dy as tf.Tensor,
        saved.map((input) => input.shape[axis] as number),
        axis,
      );
      return parts.map((part) => () => part) as unknown as GradientMap;
    },
  },
  {
    kernelName: 'Pack',
    saveAllInputs: true,
    gradFunc: (dy, _saved, attrs) =>
      tf.unstack(dy as tf.Tensor, attrs.axis as number).map((part) => () => part) as unknown as GradientMap,
  },
  {
    kernelName: 'Unpack',
    gradFunc: (dy, _saved, attrs) => ({ value: () => tf.stack(dy as tf.Tensor[], attrs.axis as number) }),
  },
  {
    kernelName: 'SplitV',
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number) }),
  },
  {
    kernelName: 'Select',
    inputsToSave: ['condition'],
    gradFunc: (dy, saved) => {
      const condition = tf.cast(saved[0] as tf.Tensor, 'float32');
      return {
        condition: () => tf.zerosLike(condition),
        t: () => tf.mul(dy as tf.Tensor, condition),
        e: () => tf.mul(dy as tf.Tensor, tf.sub(1, condition)),
      };
    },
  },
];
