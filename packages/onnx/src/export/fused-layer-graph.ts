import { activationGraph, type EncoderGraphContext } from './bert-encoder-graph.js';

const contribDomain = 'com.microsoft';

/** [in, out] row-major matrices side by side: `[in, Σ out]` (Q, K, V → the fused QKV weight). */
function concatColumns(matrices: readonly Float32Array[], rows: number, columns: number): Float32Array {
  const result = new Float32Array(rows * columns * matrices.length);
  matrices.forEach((matrix, block) => {
    for (let row = 0; row < rows; row++) {
      result.set(
        matrix.subarray(row * columns, (row + 1) * columns),
        row * columns * matrices.length + block * columns,
      );
    }
  });
  return result;
}

/**
 * The same post-LN BERT layer as `layerGraph`, written with ONNX Runtime's contrib operators (domain
 * `com.microsoft`, CPU and WebAssembly kernels): `Attention` (the Q, K, V projections, scaled
 * dot-product attention with the raw `[batch, sequence]` mask, and the head merge in one node) and
 * `SkipLayerNormalization` (LayerNorm(x + bias + residual)) twice. ONNX Runtime's own graph fusions do
 * not recognise our attention subgraph on CPU, so this is the way to its fused attention kernel.
 * Attention masks padding with −10000 instead of HF's finfo.min: the same softmax in float32 whenever a
 * sequence has at least one real token. `maskIndex` is the int32 attention mask.
 */
export function fusedLayerGraph(
  context: EncoderGraphContext,
  hidden: string,
  maskIndex: string,
  layer: number,
  nameRoot: string,
): string {
  const { graph, config, weight } = context;
  const prefix = `encoder.layer.${layer}`;
  const width = config.hiddenSize;
  const self = `${prefix}.attention.self`;
  const names = ['query', 'key', 'value'];
  const qkvWeight = concatColumns(
    names.map((name) => weight(`${self}.${name}.weight`).values),
    width,
    width,
  );
  const qkvBias = concatColumns(
    names.map((name) => weight(`${self}.${name}.bias`).values),
    1,
    width,
  );
  const attended = graph.domainNode(
    contribDomain,
    'Attention',
    [
      hidden,
      graph.initializer(`${nameRoot}${self}.qkv.weight`, qkvWeight, [width, 3 * width]),
      graph.initializer(`${nameRoot}${self}.qkv.bias`, qkvBias, [3 * width]),
      maskIndex,
    ],
    { num_heads: { int: config.numAttentionHeads } },
  );
  const skipNorm = (x: string, residual: string, dense: string, norm: string) => {
    const denseWeight = weight(`${prefix}.${dense}.weight`);
    const bias = weight(`${prefix}.${dense}.bias`);
    const gamma = weight(`${prefix}.${norm}.weight`);
    const beta = weight(`${prefix}.${norm}.bias`);
    return graph.domainNode(
      contribDomain,
      'SkipLayerNormalization',
      [
        context.linear.matMul(x, `${nameRoot}${prefix}.${dense}.weight`, denseWeight),
        residual,
        graph.initializer(`${nameRoot}${prefix}.${norm}.weight`, gamma.values, gamma.shape),
        graph.initializer(`${nameRoot}${prefix}.${norm}.bias`, beta.values, beta.shape),
        graph.initializer(`${nameRoot}${prefix}.${dense}.bias`, bias.values, bias.shape),
      ],
      { epsilon: { float: config.layerNormEps } },
    );
  };
  const attentionOutput = skipNorm(attended, hidden, 'attention.output.dense', 'attention.output.LayerNorm');
  const intermediate = activationGraph(
    graph,
    context.linear.dense(
      attentionOutput,
      `${nameRoot}${prefix}.intermediate.dense`,
      weight(`${prefix}.intermediate.dense.weight`),
      weight(`${prefix}.intermediate.dense.bias`),
    ),
    config.hiddenAct,
  );
  return skipNorm(intermediate, attentionOutput, 'output.dense', 'output.LayerNorm');
}
