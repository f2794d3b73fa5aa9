import { CheckpointError, invalidArgument, UnsupportedError } from '@icd/core';
import type { GraphBuilder } from '../graph/graph-builder.js';
import { activationGraph } from './bert-encoder-graph.js';
import type { WeightValues } from './linear-graph.js';
import type { ExportableWeight } from './read-weights.js';

/**
 * A label head as the exporter reads it: `@icd/heads`' `ClsHead` and `LabelAttention` fit (their
 * `toJSON()` config with `headType`, and `weights` by name, linear weights `[in, out]`).
 *
 * @example
 * ```ts
 * const head: ExportableHead = new ClsHead({ labels: ['I10', 'E11.9'], hiddenSize: 32, pooling: 'mean' });
 * await exportOnnx(bert, { head });
 * ```
 */
export interface ExportableHead {
  readonly labels: readonly string[];
  readonly weights: ReadonlyMap<string, ExportableWeight>;
  /** The head's config: `headType` (`'cls'`, `'label_attention'`), `hiddenSize` and its options. */
  toJSON(): { readonly headType: string; readonly hiddenSize: number };
}

/** LAAT's shift of padded positions' scores before the softmax (as `@icd/heads`' LabelAttention). */
const maskShift = 1e9;

async function headWeight(
  head: ExportableHead,
  name: string,
  shape: readonly number[],
): Promise<WeightValues> {
  const tensor = head.weights.get(name);
  if (!tensor)
    throw new CheckpointError({ tensor: name, message: `exportOnnx: the head has no weight '${name}'` });
  const values = await tensor.data();
  if (!(values instanceof Float32Array) || tensor.shape.join(',') !== shape.join(',')) {
    throw new CheckpointError({
      tensor: name,
      message: `exportOnnx: head weight '${name}' must be float32 of shape [${shape}], got ${tensor.dtype ?? typeof values} [${tensor.shape}]`,
    });
  }
  return { values, shape };
}

/** What a head graph adds to the encoder graph: outputs by name and the head's saved config. */
export interface HeadGraph {
  readonly logits: string;
  readonly labelAttention?: string;
  readonly config: Record<string, unknown>;
}

/**
 * Writes a label head after the encoder: `hidden` `[batch, sequence, hiddenSize]`, `attentionMask`
 * the int64 graph input. Float32 (a head is a few small products; int8 would only cost accuracy).
 *
 * - `ClsHead`: pooled = h[:, 0] (`'cls'`) or Σ m·h / max(Σ m, 1) (`'mean'`); logits = pooled·W + b, or
 *   act(pooled·W₁ + b₁)·W₂ + b₂ (`'mlp'`, act tanh or the erf GELU).
 * - `LabelAttention` (LAAT, eqs. 2–4): Z = tanh(H W); S = (Z Uᵀ)ᵀ `[batch, labels, sequence]`, padded
 *   positions shifted by −1e9; A = m ⊙ exp(S − max S) / max(Σ m ⊙ exp(S − max S), 1), so a fully padded
 *   row attends nowhere; V = A H; logits_l = ⟨w_l, v_l⟩ + b_l. Output `label_attention` is A.
 */
export async function labelHeadGraph(
  graph: GraphBuilder,
  head: ExportableHead,
  hidden: string,
  attentionMask: string,
  hiddenSize: number,
): Promise<HeadGraph> {
  const fn = 'exportOnnx';
  if (
    typeof head !== 'object' ||
    head === null ||
    typeof head.toJSON !== 'function' ||
    !(head.weights instanceof Map) ||
    !Array.isArray(head.labels)
  ) {
    invalidArgument(fn, 'options.head', 'a label head of @icd/heads (ClsHead or LabelAttention)', head);
  }
  const config = head.toJSON() as Record<string, unknown> & { headType: string; hiddenSize: number };
  if (config.hiddenSize !== hiddenSize) {
    invalidArgument(
      fn,
      'options.head',
      `a head over ${hiddenSize}-wide states (the encoder's hidden size)`,
      config.hiddenSize,
    );
  }
  const labels = head.labels.length;
  const initializer = (name: string, weight: WeightValues) =>
    graph.initializer(name, weight.values, weight.shape);
  const maskFloat = graph.node('Cast', [attentionMask], { to: { int: 1 } }); // [batch, sequence]

  if (config.headType === 'cls') {
    let pooled: string;
    if (config.pooling === 'cls') {
      pooled = graph.node('Gather', [hidden, graph.int64([0], [])], { axis: { int: 1 } });
    } else if (config.pooling === 'mean') {
      const mask = graph.node('Unsqueeze', [maskFloat, graph.int64([2])]); // [batch, sequence, 1]
      const summed = graph.node('ReduceSum', [graph.node('Mul', [hidden, mask]), graph.int64([1])], {
        keepdims: { int: 0 },
      });
      const counts = graph.node('ReduceSum', [mask, graph.int64([1])], { keepdims: { int: 0 } }); // [batch, 1]
      pooled = graph.node('Div', [summed, graph.node('Max', [counts, graph.float([1])])]);
    } else {
      throw new UnsupportedError({
        feature: `cls-pooling-${String(config.pooling)}`,
        message: `${fn}: ClsHead pooling ${JSON.stringify(config.pooling)} is not exportable`,
      });
    }
    let features = pooled;
    let width = hiddenSize;
    if (config.classifier === 'mlp') {
      const inner = config.intermediateSize as number;
      const dense = graph.node('Add', [
        graph.node('MatMul', [
          pooled,
          initializer(
            'pre_classifier.weight',
            await headWeight(head, 'pre_classifier.weight', [hiddenSize, inner]),
          ),
        ]),
        initializer('pre_classifier.bias', await headWeight(head, 'pre_classifier.bias', [inner])),
      ]);
      if (config.activation === 'tanh') features = graph.node('Tanh', [dense]);
      else if (config.activation === 'gelu') features = activationGraph(graph, dense, 'gelu');
      else
        throw new UnsupportedError({
          feature: `cls-activation-${String(config.activation)}`,
          message: `${fn}: ClsHead activation ${JSON.stringify(config.activation)} is not exportable`,
        });
      width = inner;
    } else if (config.classifier !== 'linear') {
      throw new UnsupportedError({
        feature: `cls-classifier-${String(config.classifier)}`,
        message: `${fn}: ClsHead classifier ${JSON.stringify(config.classifier)} is not exportable`,
      });
    }
    const logits = graph.node('Add', [
      graph.node('MatMul', [
        features,
        initializer('classifier.weight', await headWeight(head, 'classifier.weight', [width, labels])),
      ]),
      initializer('classifier.bias', await headWeight(head, 'classifier.bias', [labels])),
    ]);
    return { logits, config };
  }

  if (config.headType === 'label_attention') {
    const projection = config.projectionSize as number;
    const W = await headWeight(head, 'label_attention.first_linear.weight', [hiddenSize, projection]);
    const Ut = await headWeight(head, 'label_attention.second_linear.weight', [projection, labels]);
    const wt = await headWeight(head, 'label_attention.third_linear.weight', [hiddenSize, labels]);
    const b = await headWeight(head, 'label_attention.third_linear.bias', [labels]);
    const Z = graph.node('Tanh', [
      graph.node('MatMul', [hidden, initializer('label_attention.first_linear.weight', W)]),
    ]);
    // (Z Uᵀ)ᵀ: [batch, sequence, labels] → [batch, labels, sequence]
    const scores = graph.node(
      'Transpose',
      [graph.node('MatMul', [Z, initializer('label_attention.second_linear.weight', Ut)])],
      {
        perm: { ints: [0, 2, 1] },
      },
    );
    const mask = graph.node('Unsqueeze', [maskFloat, graph.int64([1])]); // [batch, 1, sequence]
    const shift = graph.node('Mul', [graph.node('Sub', [mask, graph.float([1])]), graph.float([maskShift])]);
    const shifted = graph.node('Add', [scores, shift]);
    const maximum = graph.node('ReduceMax', [shifted], { axes: { ints: [2] }, keepdims: { int: 1 } });
    const exps = graph.node('Mul', [graph.node('Exp', [graph.node('Sub', [shifted, maximum])]), mask]);
    const total = graph.node('ReduceSum', [exps, graph.int64([2])], { keepdims: { int: 1 } });
    const attention = graph.node('Div', [exps, graph.node('Max', [total, graph.float([1])])]); // A
    const V = graph.node('MatMul', [attention, hidden]); // [batch, labels, hidden]
    const w = graph.node('Transpose', [initializer('label_attention.third_linear.weight', wt)], {
      perm: { ints: [1, 0] },
    });
    const logits = graph.node('Add', [
      graph.node('ReduceSum', [graph.node('Mul', [V, w]), graph.int64([2])], { keepdims: { int: 0 } }),
      initializer('label_attention.third_linear.bias', b),
    ]);
    return { logits, labelAttention: attention, config };
  }

  throw new UnsupportedError({
    feature: `onnx-head-${String(config.headType)}`,
    message: `${fn}: head type ${JSON.stringify(config.headType)} is not exportable (ClsHead 'cls' and LabelAttention 'label_attention' are)`,
  });
}
