import * as tf from '@tensorflow/tfjs-core';
import { structuralGradients, unbroadcast } from './structural-gradients.js';

// tfjs-core keeps its gradient definitions in ES modules (`dist/register_all_gradients.js`) that Node
// cannot load (extensionless relative imports) and that its CommonJS bundle leaves out, so in Node
// `tf.grads` fails with "gradient function not found" unless `@tensorflow/tfjs` is installed. These are
// the vector-Jacobian products of the kernels BERT, its losses and common heads use, written from the
// derivatives; a gradient already registered (by `@tensorflow/tfjs` or a bundler) is left alone.

function binary(
  kernelName: string,
  gradient: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => [tf.Tensor, tf.Tensor],
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return {
        a: () => unbroadcast(gradient(dy as tf.Tensor, a, b)[0], a.shape),
        b: () => unbroadcast(gradient(dy as tf.Tensor, a, b)[1], b.shape),
      };
    },
  };
}

function unary(
  kernelName: string,
  gradient: (dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor | undefined) => tf.Tensor,
  saveOutput = false,
  inputName = 'x',
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: [inputName],
    ...(saveOutput ? { outputsToSave: [true] } : {}),
    gradFunc: (dy, saved) => ({
      [inputName]: () => gradient(dy as tf.Tensor, saved[0] as tf.Tensor, saved[1]),
    }),
  };
}

const configs: tf.GradConfig[] = [
  ...structuralGradients,
  binary('Add', (dy) => [dy, dy]),
  binary('Sub', (dy) => [dy, tf.neg(dy)]),
  binary('Multiply', (dy, a, b) => [tf.mul(dy, tf.cast(b, 'float32')), tf.mul(dy, tf.cast(a, 'float32'))]),
  binary('RealDiv', (dy, a, b) => [tf.div(dy, b), tf.neg(tf.div(tf.mul(dy, a), tf.square(b)))]),
  binary('SquaredDifference', (dy, a, b) => {
    const twice = tf.mul(tf.sub(a, b), 2);
    return [tf.mul(dy, twice), tf.neg(tf.mul(dy, twice))];
  }),
  binary('Maximum', (dy, a, b) => [
    tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')),
    tf.mul(dy, tf.cast(tf.less(a, b), 'float32')),
  ]),
  binary('Minimum', (dy, a, b) => [
    tf.mul(dy, tf.cast(tf.lessEqual(a, b), 'float32')),
    tf.mul(dy, tf.cast(tf.greater(a, b), 'float32')),
  ]),
  unary('Neg', (dy) => tf.neg(dy)),
  unary('Identity', (dy) => tf.clone(dy)),
  unary('Cast', (dy) => tf.clone(dy)),
  unary('Exp', (dy, _x, y) => tf.mul(dy, y as tf.Tensor), true),
  unary('Log', (dy, x) => tf.div(dy, tf.cast(x, 'float32'))),
  unary('Sqrt', (dy, x) => tf.div(dy, tf.mul(tf.sqrt(tf.cast(x, 'float32')), 2))),
  unary('Rsqrt', (dy, x) => tf.div(tf.mul(dy, -0.5), tf.mul(x, tf.sqrt(x)))),
  unary('Square', (dy, x) => tf.mul(dy, tf.mul(x, 2))),
  unary('Abs', (dy, x) => tf.mul(dy, tf.sign(x))),
  unary('Tanh', (dy, _x, y) => tf.mul(dy, tf.sub(1, tf.square(y as tf.Tensor))), true),
  unary('Sigmoid', (dy, _x, y) => tf.mul(dy, tf.mul(y as tf.Tensor, tf.sub(1, y as tf.Tensor))), true),
  unary('Relu', (dy, x) => tf.mul(dy, tf.cast(tf.greater(x, 0), 'float32'))),
  // d/dx erf(x) = 2/√π · exp(−x²)
  unary('Erf', (dy, x) => tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI)))),
  {
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const inside = tf.logicalAnd(
        tf.greaterEqual(x, attrs.clipValueMin as number),
        tf.lessEqual(x, attrs.clipValueMax as number),
      );
      return { x: () => tf.mul(dy as tf.Tensor, tf.cast(inside, 'float32')) };
    },
  },
];

// Piecewise-constant kernels: zero gradient, so a mask built from a differentiated tensor does not break
// backprop ("gradient function not found").
for (const kernelName of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
  configs.push({
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved) => ({
      a: () => tf.zerosLike(saved[0] as tf.Tensor),
      b: () => tf.zerosLike(saved[1] as tf.Tensor),
    }),
  });
}
for (const kernelName of ['Sign', 'Floor', 'Ceil', 'Round']) {
  configs.push(unary(kernelName, (_dy, x) => tf.zerosLike(x)));
}

let registered = false;

/**
 * Registers the gradients BERT, its losses and common heads need with tfjs-core (once; each only when none is registered),
 * so `tf.grads` / `tf.variableGrads` work in Node without `@tensorflow/tfjs`. The Trainer and `@icd/bert` models call it on
 * construction; heads built on other ops may call it too.
 *
 * @example
 * ```ts
 * registerGradients();
 * tf.grads((x) => tf.erf(x))([tf.scalar(0)]); // [2/√π]
 * ```
 */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const config of configs) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
}
