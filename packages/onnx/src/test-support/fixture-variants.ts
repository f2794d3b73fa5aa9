import { ClsHead, LabelAttention } from '@icd/heads';
import type { ExportOnnxOptions } from '../export/export-onnx.js';
import type { ExportableHead } from '../export/label-head-graph.js';

/** The label heads of the committed head exports (seeded, so an export is byte for byte reproducible). */
export type FixtureHead = 'cls-mean-mlp' | 'label-attention';

/** A fixture head over the tiny checkpoint's 32-wide states; dispose it after use. */
export function fixtureHead(kind: FixtureHead): ExportableHead & { dispose(): void } {
  switch (kind) {
    case 'cls-mean-mlp':
      return new ClsHead({
        labels: ['I10', 'E11.9', 'J18.9'],
        hiddenSize: 32,
        pooling: 'mean',
        classifier: 'mlp',
        intermediateSize: 16,
        activation: 'gelu',
        seed: 11,
        initializerRange: 0.5,
      });
    case 'label-attention':
      return new LabelAttention({
        labels: ['I10', 'E11.9', 'J18.9', 'I48.91'],
        hiddenSize: 32,
        projectionSize: 12,
        seed: 13,
        initializerRange: 0.5,
      });
  }
}

/** The exports of the tiny checkpoint committed under fixtures/onnx/ and checked by scripts/check-onnx.py. */
export const fixtureVariants: readonly {
  readonly file: string;
  readonly encoderOnly: boolean;
  readonly options: ExportOnnxOptions;
  readonly head?: FixtureHead;
}[] = [
  { file: 'encoder.onnx', encoderOnly: true, options: {} },
  { file: 'encoder-inputs-embeds.onnx', encoderOnly: true, options: { inputsEmbeds: true } },
  { file: 'masked-lm.onnx', encoderOnly: false, options: {} },
  { file: 'masked-lm-positions.onnx', encoderOnly: false, options: { maskedPositions: true } },
  { file: 'masked-lm-int8.onnx', encoderOnly: false, options: { quantization: 'int8' } },
  { file: 'encoder-fused.onnx', encoderOnly: true, options: { fusedOperators: true } },
  { file: 'encoder-cls-head.onnx', encoderOnly: true, options: {}, head: 'cls-mean-mlp' },
  { file: 'encoder-label-attention.onnx', encoderOnly: true, options: {}, head: 'label-attention' },
];

/** Exports one variant of `model` (its head built and disposed here). */
export async function exportVariant(
  exportOnnx: (model: never, options: ExportOnnxOptions) => Promise<Uint8Array>,
  model: unknown,
  variant: (typeof fixtureVariants)[number],
): Promise<Uint8Array> {
  const head = variant.head ? fixtureHead(variant.head) : undefined;
  try {
    return await exportOnnx(model as never, { ...variant.options, ...(head ? { head } : {}) });
  } finally {
    head?.dispose();
  }
}
