import type { EncoderGraphContext } from './bert-encoder-graph.js';
import { activationGraph, layerNormGraph } from './bert-encoder-graph.js';
import type { WeightValues } from './linear-graph.js';

/**
 * HF `BertOnlyMLMHead` on `[batch, n, hidden]` hidden states: the transform
 * t = LayerNorm(act(Dense(h))) (what soft verbalizers read) and the decoder, logits = t·Eᵀ + b, with E the
 * word embeddings (tied, HF's default) or `cls.predictions.decoder.weight` when the model has one. In float32 the decoder is a `Gemm` with `transB` on the embedding initializer itself
 * (no second copy of E); in int8 it is a quantized `[hidden, vocab]` copy of Eᵀ.
 */
export function maskedLMHeadGraph(
  context: EncoderGraphContext & { readonly headWeight: (name: string) => WeightValues },
  hidden: string,
  wordEmbeddings: () => string,
  quantized: boolean,
): { transformed: string; logits: string } {
  const { graph, config, headWeight } = context;
  const headContext = { ...context, weight: headWeight };
  const prefix = 'cls.predictions.transform';
  const dense = headContext.linear.dense(
    hidden,
    `${prefix}.dense`,
    headWeight(`${prefix}.dense.weight`),
    headWeight(`${prefix}.dense.bias`),
  );
  const transformed = layerNormGraph(
    headContext,
    activationGraph(graph, dense, config.hiddenAct),
    `${prefix}.LayerNorm`,
  );
  const bias = headWeight('cls.predictions.bias');
  const biasName = graph.initializer('cls.predictions.bias', bias.values, bias.shape);
  // Tied (HF default): the word embeddings; untied (`tie_word_embeddings: false`): its own weight.
  const untied = headWeight('cls.predictions.decoder.weight') as WeightValues | undefined;
  if (quantized) {
    const embeddings = untied ?? context.weight('embeddings.word_embeddings.weight');
    const product = context.linear.matMul(transformed, 'cls.predictions.decoder.weight', {
      values: transpose(embeddings.values, config.vocabSize, config.hiddenSize),
      shape: [config.hiddenSize, config.vocabSize],
    });
    return { transformed, logits: graph.node('Add', [product, biasName]) };
  }
  // Gemm is 2-D: [batch·n, hidden] → [batch·n, vocab] → [batch, n, vocab].
  const decoder = untied
    ? graph.initializer('cls.predictions.decoder.weight', untied.values, untied.shape)
    : wordEmbeddings();
  const flat = graph.node('Reshape', [transformed, graph.int64([-1, config.hiddenSize])]);
  const product = graph.node('Gemm', [flat, decoder, biasName], { transB: { int: 1 } });
  const leading = graph.node('Slice', [
    graph.node('Shape', [transformed]),
    graph.int64([0]),
    graph.int64([2]),
  ]);
  const shape = graph.node('Concat', [leading, graph.int64([config.vocabSize])], { axis: { int: 0 } });
  return { transformed, logits: graph.node('Reshape', [product, shape]) };
}

function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const result = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      result[column * rows + row] = values[row * columns + column] as number;
    }
  }
  return result;
}
