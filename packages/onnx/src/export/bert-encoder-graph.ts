import type { BertActivation, BertConfig } from '@icd/bert';
import type { GraphBuilder } from '../graph/graph-builder.js';
import type { LinearGraph, WeightValues } from './linear-graph.js';

/** float32's most negative value: HF's additive mask value (`torch.finfo(dtype).min`). */
const maskValue = -3.4028234663852886e38;

/** What the encoder graph reads: weights by HF name (no `bert.` prefix), memory layout. */
export interface EncoderGraphContext {
  readonly graph: GraphBuilder;
  readonly linear: LinearGraph;
  readonly config: BertConfig;
  readonly weight: (name: string) => WeightValues;
}

/** Writes HF `ACT2FN[activation]` elementwise (the erf GELU as ONNX Runtime's Gelu fusion expects it). */
export function activationGraph(graph: GraphBuilder, x: string, activation: BertActivation): string {
  switch (activation) {
    case 'gelu':
    case 'gelu_python': {
      // 0.5·x·(1 + erf(x/√2)), written as torch.onnx exports it so ONNX Runtime fuses it into Gelu.
      const erf = graph.node('Erf', [graph.node('Div', [x, graph.float([Math.SQRT2])])]);
      const scaled = graph.node('Mul', [x, graph.node('Add', [erf, graph.float([1])])]);
      return graph.node('Mul', [scaled, graph.float([0.5])]);
    }
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast': {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const cube = graph.node('Mul', [graph.node('Mul', [x, x]), x]);
      const inner = graph.node('Add', [x, graph.node('Mul', [cube, graph.float([0.044715])])]);
      const tanh = graph.node('Tanh', [graph.node('Mul', [inner, graph.float([Math.sqrt(2 / Math.PI)])])]);
      const scaled = graph.node('Mul', [x, graph.node('Add', [tanh, graph.float([1])])]);
      return graph.node('Mul', [scaled, graph.float([0.5])]);
    }
    case 'relu':
      return graph.node('Relu', [x]);
    case 'silu':
    case 'swish':
      return graph.node('Mul', [x, graph.node('Sigmoid', [x])]);
    case 'tanh':
      return graph.node('Tanh', [x]);
  }
}

/** LayerNormalization (opset 17) over the last axis with HF's epsilon. */
export function layerNormGraph(
  context: EncoderGraphContext,
  x: string,
  prefix: string,
  nameRoot = '',
): string {
  const { graph, weight, config } = context;
  const gamma = weight(`${prefix}.weight`);
  const beta = weight(`${prefix}.bias`);
  return graph.node(
    'LayerNormalization',
    [
      x,
      graph.initializer(`${nameRoot}${prefix}.weight`, gamma.values, gamma.shape),
      graph.initializer(`${nameRoot}${prefix}.bias`, beta.values, beta.shape),
    ],
    { axis: { int: -1 }, epsilon: { float: config.layerNormEps } },
  );
}

function dense(context: EncoderGraphContext, x: string, prefix: string, nameRoot: string): string {
  return context.linear.dense(
    x,
    `${nameRoot}${prefix}`,
    context.weight(`${prefix}.weight`),
    context.weight(`${prefix}.bias`),
  );
}

/**
 * The embeddings of HF `BertEmbeddings`: LayerNorm(words + positions[0..S) + tokenTypes).
 * `words` is the `[batch, sequence, hidden]` word part (a Gather of `input_ids`, or `inputs_embeds`).
 */
export function embeddingsGraph(
  context: EncoderGraphContext,
  words: string,
  tokenTypeIds: string,
  sequenceLength: string,
  nameRoot: string,
): string {
  const { graph, weight } = context;
  const positionTable = weight('embeddings.position_embeddings.weight');
  const typeTable = weight('embeddings.token_type_embeddings.weight');
  const positions = graph.node('Slice', [
    graph.initializer(
      `${nameRoot}embeddings.position_embeddings.weight`,
      positionTable.values,
      positionTable.shape,
    ),
    graph.int64([0]),
    sequenceLength,
    graph.int64([0]),
  ]);
  const types = graph.node('Gather', [
    graph.initializer(
      `${nameRoot}embeddings.token_type_embeddings.weight`,
      typeTable.values,
      typeTable.shape,
    ),
    tokenTypeIds,
  ]);
  const summed = graph.node('Add', [graph.node('Add', [words, types]), positions]);
  return layerNormGraph(context, summed, 'embeddings.LayerNorm', nameRoot);
}

/** HF's extended attention mask: (1 − mask)·finfo.min as `[batch, 1, 1, sequence]` float32. */
export function additiveMaskGraph(graph: GraphBuilder, attentionMask: string): string {
  const asFloat = graph.node('Cast', [attentionMask], { to: { int: 1 } });
  const inverted = graph.node('Sub', [graph.float([1]), asFloat]);
  const scaled = graph.node('Mul', [inverted, graph.float([maskValue])]);
  return graph.node('Unsqueeze', [scaled, graph.int64([1, 2])]);
}

/**
 * One post-LN transformer layer of HF `BertLayer`: softmax(Q·Kᵀ/√d + M)·V per head (Vaswani et al. 2017,
 * eq. 1), then A = LayerNorm(h + Dense(context)), h' = LayerNorm(A + Dense(act(Dense(A)))).
 */
export function layerGraph(
  context: EncoderGraphContext,
  hidden: string,
  additiveMask: string,
  layer: number,
  nameRoot: string,
): string {
  const { graph, config } = context;
  const prefix = `encoder.layer.${layer}`;
  const heads = config.numAttentionHeads;
  const headSize = config.headSize;
  // [batch, sequence, hidden] → [batch, heads, sequence, headSize] (0 copies the input's dimension).
  const splitShape = graph.int64([0, 0, heads, headSize]);
  const split = (x: string, perm: number[]) =>
    graph.node('Transpose', [graph.node('Reshape', [x, splitShape])], { perm: { ints: perm } });
  const query = split(dense(context, hidden, `${prefix}.attention.self.query`, nameRoot), [0, 2, 1, 3]);
  const keyTransposed = split(dense(context, hidden, `${prefix}.attention.self.key`, nameRoot), [0, 2, 3, 1]);
  const value = split(dense(context, hidden, `${prefix}.attention.self.value`, nameRoot), [0, 2, 1, 3]);
  const scores = graph.node('Div', [
    graph.node('MatMul', [query, keyTransposed]),
    graph.float([Math.sqrt(headSize)]),
  ]);
  const probabilities = graph.node('Softmax', [graph.node('Add', [scores, additiveMask])], {
    axis: { int: -1 },
  });
  const attended = graph.node('Transpose', [graph.node('MatMul', [probabilities, value])], {
    perm: { ints: [0, 2, 1, 3] },
  });
  const contextLayer = graph.node('Reshape', [attended, graph.int64([0, 0, config.hiddenSize])]);
  const attentionOutput = layerNormGraph(
    context,
    graph.node('Add', [dense(context, contextLayer, `${prefix}.attention.output.dense`, nameRoot), hidden]),
    `${prefix}.attention.output.LayerNorm`,
    nameRoot,
  );
  const intermediate = activationGraph(
    graph,
    dense(context, attentionOutput, `${prefix}.intermediate.dense`, nameRoot),
    config.hiddenAct,
  );
  return layerNormGraph(
    context,
    graph.node('Add', [dense(context, intermediate, `${prefix}.output.dense`, nameRoot), attentionOutput]),
    `${prefix}.output.LayerNorm`,
    nameRoot,
  );
}

/** HF `BertPooler`: tanh(Dense(h[:, 0])) as `[batch, hidden]`. */
export function poolerGraph(context: EncoderGraphContext, lastHidden: string, nameRoot: string): string {
  const first = context.graph.node('Gather', [lastHidden, context.graph.int64([0], [])], {
    axis: { int: 1 },
  });
  return context.graph.node('Tanh', [dense(context, first, 'pooler.dense', nameRoot)]);
}
