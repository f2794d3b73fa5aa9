import { assertFiniteNumber, assertInteger, CheckpointError, invalidArgument } from '@icd/core';
import { registerGradients } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One trainable parameter of a head: its HF-style dotted name, its in-memory (tfjs) shape and its kind.
 * `linear` weights are stored `[in, out]` (the transpose of PyTorch's `nn.Linear.weight`, as in
 * `@icd/bert`): a writer of PyTorch-layout safetensors transposes exactly those.
 *
 * @example
 * ```ts
 * const spec: HeadParameterSpec = { name: 'classifier.weight', shape: [768, 50], kind: 'linear' };
 * ```
 */
export interface HeadParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** `linear`: `[in, out]` matrix, N(0, σ²) init; `bias`: zeros. */
  readonly kind: 'linear' | 'bias';
}

let scopeCount = 0;

/**
 * Creates one `tf.Variable` per spec: the tensor in `initial` when given (shape-checked, cloned), else
 * linear weights ~ N(0, initializerRange²) (seed + index of the spec when seeded, as `@icd/bert`) and
 * biases 0. With `initial`, every spec must be present and no other name may appear (a
 * {@link CheckpointError} names the tensor otherwise). Variable names get a per-head prefix because tfjs
 * names are global.
 */
export function createHeadParameters(
  fn: string,
  specs: readonly HeadParameterSpec[],
  {
    initial,
    seed,
    initializerRange,
    extraNames = [],
  }: {
    initial?: ReadonlyMap<string, tf.Tensor> | undefined;
    seed?: number | undefined;
    initializerRange: number;
    /** Names `initial` may hold beyond the specs (buffers the caller reads itself). */
    extraNames?: readonly string[];
  },
): Map<string, tf.Variable> {
  // tfjs-core's own gradient definitions do not load in Node; @icd/train registers the ones heads use.
  registerGradients();
  if (initial !== undefined) checkInitial(fn, specs, initial, extraNames);
  const scope = `icd_heads_${++scopeCount}`;
  const parameters = new Map<string, tf.Variable>();
  specs.forEach((spec, index) => {
    const value = tf.tidy(() => {
      const given = initial?.get(spec.name);
      if (given !== undefined) return tf.cast(given, 'float32').clone();
      if (spec.kind === 'bias') return tf.zeros([...spec.shape]);
      return tf.randomNormal(
        [...spec.shape],
        0,
        initializerRange,
        'float32',
        seed === undefined ? undefined : seed + index,
      );
    });
    parameters.set(spec.name, tf.variable(value, true, `${scope}/${spec.name}`));
    value.dispose();
  });
  return parameters;
}

function checkInitial(
  fn: string,
  specs: readonly HeadParameterSpec[],
  initial: ReadonlyMap<string, tf.Tensor>,
  extraNames: readonly string[],
): void {
  if (!(initial instanceof Map)) invalidArgument(fn, 'weights', 'a Map of name → tf.Tensor', initial);
  const known = new Set([...specs.map((spec) => spec.name), ...extraNames]);
  for (const name of initial.keys()) {
    if (!known.has(name)) {
      throw new CheckpointError({
        tensor: name,
        message: `${fn}: unexpected weight '${name}' (expected ${[...known].join(', ')})`,
      });
    }
  }
  for (const spec of specs) {
    const tensor = initial.get(spec.name);
    if (tensor === undefined) {
      throw new CheckpointError({ tensor: spec.name, message: `${fn}: missing weight '${spec.name}'` });
    }
    if (!(tensor instanceof tf.Tensor) || tensor.isDisposed) {
      throw new CheckpointError({
        tensor: spec.name,
        message: `${fn}: weight '${spec.name}' is not a live tf.Tensor`,
      });
    }
    if (!sameShape(tensor.shape, spec.shape)) {
      throw new CheckpointError({
        tensor: spec.name,
        message: `${fn}: weight '${spec.name}' must have shape [${spec.shape.join(', ')}], got [${tensor.shape.join(', ')}]`,
      });
    }
    // A NaN or ±Infinity weight (a diverged run, a corrupt file) would turn every logit into NaN.
    if (!tf.tidy(() => tf.all(tf.isFinite(tensor)).dataSync()[0] === 1)) {
      throw new CheckpointError({
        tensor: spec.name,
        message: `${fn}: weight '${spec.name}' holds NaN or ±Infinity`,
      });
    }
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}

/** Checks a label space: a non-empty array of distinct non-empty strings; returns a frozen copy. */
export function checkLabels(fn: string, labels: unknown): readonly string[] {
  if (!Array.isArray(labels) || labels.length === 0) {
    invalidArgument(fn, 'labels', 'a non-empty array of label names', labels);
  }
  const seen = new Set<string>();
  labels.forEach((label, index) => {
    if (typeof label !== 'string' || label.length === 0) {
      invalidArgument(fn, `labels[${index}]`, 'a non-empty string', label);
    }
    if (seen.has(label)) invalidArgument(fn, `labels[${index}]`, 'a label not already in the list', label);
    seen.add(label);
  });
  return Object.freeze([...(labels as string[])]);
}

/** Checks a config object is an object. */
export function checkConfig(fn: string, config: unknown): void {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    invalidArgument(fn, 'config', 'a config object', config);
  }
}

/** Checks a positive integer size argument (`hiddenSize`, `projectionSize`, ...). */
export function checkSize(fn: string, argument: string, value: unknown): number {
  assertInteger(fn, argument, value, { min: 1 });
  return value;
}

/** Checks a dropout rate in [0, 1). */
export function checkRate(fn: string, argument: string, value: unknown): number {
  assertFiniteNumber(fn, argument, value, { min: 0 });
  if (value >= 1) invalidArgument(fn, argument, 'a finite number in [0, 1)', value);
  return value;
}

/** Checks the σ of the N(0, σ²) init (default 0.02, HF `initializer_range`). */
export function checkInitializerRange(fn: string, value: unknown): number {
  const range = value ?? 0.02;
  assertFiniteNumber(fn, 'initializerRange', range, { min: 0 });
  return range;
}

/** Checks an optional integer seed. */
export function checkSeed(fn: string, value: unknown): number | undefined {
  if (value !== undefined) assertInteger(fn, 'seed', value);
  return value as number | undefined;
}

/**
 * Checks the `(hiddenStates, attentionMask)` pair of a head's `forward`: a live float32
 * `[batch, sequence, hiddenSize]` tensor and a live `[batch, sequence]` mask of the same batch and
 * length. Returns `[batch, sequence]`.
 */
export function checkHeadInputs(
  fn: string,
  hiddenStates: unknown,
  attentionMask: unknown,
  hiddenSize: number,
): [number, number] {
  if (!(hiddenStates instanceof tf.Tensor) || hiddenStates.isDisposed) {
    invalidArgument(fn, 'hiddenStates', 'a live tf.Tensor [batch, sequence, hidden]', hiddenStates);
  }
  if (hiddenStates.rank !== 3 || hiddenStates.shape[2] !== hiddenSize) {
    invalidArgument(
      fn,
      'hiddenStates',
      `a [batch, sequence, ${hiddenSize}] tensor`,
      `shape [${hiddenStates.shape.join(', ')}]`,
    );
  }
  if (hiddenStates.dtype !== 'float32') {
    invalidArgument(fn, 'hiddenStates', 'a float32 tensor', `dtype ${hiddenStates.dtype}`);
  }
  const [batch, sequence] = hiddenStates.shape as [number, number, number];
  if (batch === 0 || sequence === 0) {
    invalidArgument(
      fn,
      'hiddenStates',
      'a tensor with at least one note and one position',
      `shape [${hiddenStates.shape.join(', ')}]`,
    );
  }
  if (!(attentionMask instanceof tf.Tensor) || attentionMask.isDisposed) {
    invalidArgument(fn, 'attentionMask', 'a live tf.Tensor [batch, sequence]', attentionMask);
  }
  if (attentionMask.rank !== 2 || attentionMask.shape[0] !== batch || attentionMask.shape[1] !== sequence) {
    invalidArgument(
      fn,
      'attentionMask',
      `a [${batch}, ${sequence}] tensor`,
      `shape [${attentionMask.shape.join(', ')}]`,
    );
  }
  return [batch, sequence];
}

/** Checks `ForwardOptions`. */
export function checkForwardOptions(fn: string, options: unknown): void {
  if (options === null || typeof options !== 'object')
    invalidArgument(fn, 'options', 'an options object', options);
  const { training, dropoutSeed } = options as { training?: unknown; dropoutSeed?: unknown };
  if (training !== undefined && typeof training !== 'boolean')
    invalidArgument(fn, 'options.training', 'a boolean', training);
  if (dropoutSeed !== undefined) assertInteger(fn, 'options.dropoutSeed', dropoutSeed);
}

/**
 * Dropout of one forward pass, seeded as `@icd/bert`'s: with `dropoutSeed`, site k of the pass draws
 * its mask from `dropoutSeed · 7919 + k`, so a seeded step is reproducible; without one, random masks.
 */
export class HeadDropout {
  private site = 0;

  constructor(
    readonly training: boolean,
    private readonly seed?: number,
  ) {}

  /** Inverted dropout (kept values scaled by 1/(1−rate)) when training, identity otherwise. */
  apply(x: tf.Tensor, rate: number): tf.Tensor {
    if (!this.training || rate === 0) return x;
    const seed = this.seed === undefined ? undefined : this.seed * 7919 + this.site++;
    return tf.dropout(x, rate, undefined, seed);
  }
}

/** Copies a weight map into a fresh `Map` of cloned tensors (callers dispose them). */
export function cloneWeights(weights: ReadonlyMap<string, tf.Variable>): Map<string, tf.Tensor> {
  return new Map([...weights].map(([name, variable]) => [name, variable.clone()]));
}
