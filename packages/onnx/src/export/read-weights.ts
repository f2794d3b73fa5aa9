import { type BertConfig, encoderParameterSpecs, maskedLMHeadParameterSpecs } from '@icd/bert';
import { CheckpointError } from '@icd/core';
import type { WeightValues } from './linear-graph.js';

/**
 * A weight as the exporter reads it: a tfjs `Tensor` / `Variable` fits (`shape`, async `data()`).
 *
 * @example
 * ```ts
 * const weight: ExportableWeight = model.weights.get('embeddings.word_embeddings.weight')!;
 * ```
 */
export interface ExportableWeight {
  readonly shape: readonly number[];
  readonly dtype?: string;
  data(): Promise<unknown>;
}

/**
 * What {@link exportOnnx} reads from a model: its config and its weights by HF name, in memory layout
 * (linear weights `[in, out]`). `@icd/bert`'s `BertModel` (names without `bert.`) and `BertForMaskedLM`
 * (`bert.…` and `cls.predictions.…`) both fit.
 *
 * @example
 * ```ts
 * const model: ExportableBert = new BertModel(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 4, intermediateSize: 64 }));
 * ```
 */
export interface ExportableBert {
  readonly config: BertConfig;
  readonly weights: ReadonlyMap<string, ExportableWeight>;
}

function memoryShape(fileShape: readonly number[], kind: string): number[] {
  return kind === 'linear' ? [fileShape[1] as number, fileShape[0] as number] : [...fileShape];
}

async function readOne(fn: string, name: string, tensor: ExportableWeight | undefined, shape: number[]) {
  if (!tensor) {
    throw new CheckpointError({ tensor: name, message: `${fn}: the model has no weight '${name}'` });
  }
  const values = await tensor.data();
  if (!(values instanceof Float32Array) || tensor.shape.join(',') !== shape.join(',')) {
    throw new CheckpointError({
      tensor: name,
      message: `${fn}: weight '${name}' must be float32 of shape [${shape}], got ${tensor.dtype ?? typeof values} [${tensor.shape}]`,
    });
  }
  return { values, shape } satisfies WeightValues;
}

/**
 * Reads every encoder weight (names without `bert.`) and, when the model has it, the masked-LM head
 * (`cls.predictions.*`), checking names, dtypes and shapes against `@icd/bert`'s parameter specs.
 */
export async function readWeights(
  fn: string,
  model: ExportableBert,
): Promise<{ encoder: Map<string, WeightValues>; head: Map<string, WeightValues> | undefined }> {
  const prefix = model.weights.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : '';
  const hasPooler = model.weights.has(`${prefix}pooler.dense.weight`);
  const encoder = new Map<string, WeightValues>();
  for (const spec of encoderParameterSpecs(model.config, hasPooler)) {
    const name = `${prefix}${spec.name}`;
    encoder.set(
      spec.name,
      await readOne(fn, name, model.weights.get(name), memoryShape(spec.fileShape, spec.kind)),
    );
  }
  if (!model.weights.has('cls.predictions.bias')) return { encoder, head: undefined };
  const head = new Map<string, WeightValues>();
  for (const spec of maskedLMHeadParameterSpecs(model.config)) {
    head.set(
      spec.name,
      await readOne(fn, spec.name, model.weights.get(spec.name), memoryShape(spec.fileShape, spec.kind)),
    );
  }
  return { encoder, head };
}
