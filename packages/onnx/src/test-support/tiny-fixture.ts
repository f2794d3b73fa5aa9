import { readFileSync } from 'node:fs';
import { BertConfig, BertForMaskedLM } from '@icd/bert';
import * as tf from '@tensorflow/tfjs-core';
import { modelProtoType } from '../graph/graph-builder.js';

/** The committed tiny checkpoint (HF layout) written by scripts/make-reference.py. */
export const tinyCheckpoint = new URL('../../fixtures/tiny/', import.meta.url).pathname;

/** One reference case of fixtures/tiny/expected.json (PyTorch, float64). */
export interface ReferenceCase {
  readonly shape: [number, number];
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly tokenTypeIds: number[][];
  readonly positions: number[][];
  readonly lastHiddenState: number[];
  readonly poolerOutput: number[];
  readonly logits: number[];
  readonly transformedHiddenState: number[];
  readonly positionLogits: number[];
  readonly positionTransformedHiddenState: number[];
  readonly inputsEmbeds: number[];
  readonly embedsLastHiddenState: number[];
  readonly embedsPoolerOutput: number[];
}

/** The reference cases: batches 1×5, 3×9 and 2×24 (the longest position), with padding. */
export function referenceCases(): ReferenceCase[] {
  const text = readFileSync(new URL('expected.json', `file://${tinyCheckpoint}`), 'utf8');
  return (JSON.parse(text) as { cases: ReferenceCase[] }).cases;
}

/**
 * Loads the tiny checkpoint as a tfjs `BertForMaskedLM` (with pooler). The F32 safetensors file is read
 * here (8-byte header length, JSON header, raw little-endian data) and linear weights are transposed to
 * `@icd/bert`'s `[in, out]` memory layout, so these tests depend on the model's constructor only.
 */
export function loadTinyMaskedLM(): BertForMaskedLM {
  const config = BertConfig.fromJson(JSON.parse(readFileSync(`${tinyCheckpoint}config.json`, 'utf8')));
  const file = readFileSync(`${tinyCheckpoint}model.safetensors`);
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { shape: number[]; data_offsets: [number, number] }
  >;
  const start = 8 + headerLength;
  const weights = new Map<string, tf.Tensor>();
  for (const [
    name,
    {
      shape,
      data_offsets: [begin, end],
    },
  ] of Object.entries(header)) {
    const bytes = file.subarray(start + begin, start + end);
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    const tensor = tf.tensor(values, shape);
    const isLinear = shape.length === 2 && /\.(query|key|value|dense)\.weight$/.test(name);
    weights.set(name, isLinear ? tf.tidy(() => tf.transpose(tensor)) : tensor);
    if (isLinear) tensor.dispose();
  }
  try {
    return new BertForMaskedLM(config, { initialWeights: weights, addPoolingLayer: true });
  } finally {
    tf.dispose([...weights.values()]);
  }
}

/** Largest |a − b| over two equally long arrays (throws on a length mismatch). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let index = 0; index < a.length; index++) {
    max = Math.max(max, Math.abs((a[index] as number) - (b[index] as number)));
  }
  return max;
}

/**
 * The same model without `icd.*` metadata, as HF optimum writes its files (same input and output
 * names, no config inside): decoded and re-encoded with the ONNX schema.
 */
export function withoutMetadata(bytes: Uint8Array): Uint8Array {
  const type = modelProtoType();
  const message = type.decode(bytes) as unknown as { metadataProps: unknown[] };
  message.metadataProps = [];
  return type.encode(message as never).finish();
}
