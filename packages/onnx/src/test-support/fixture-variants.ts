import type { ExportOnnxOptions } from '../export/export-onnx.js';

/** The exports of the tiny checkpoint committed under fixtures/onnx/ and checked by scripts/check-onnx.py. */
export const fixtureVariants: readonly {
  readonly file: string;
  readonly encoderOnly: boolean;
  readonly options: ExportOnnxOptions;
}[] = [
  { file: 'encoder.onnx', encoderOnly: true, options: {} },
  { file: 'encoder-inputs-embeds.onnx', encoderOnly: true, options: { inputsEmbeds: true } },
  { file: 'masked-lm.onnx', encoderOnly: false, options: {} },
  { file: 'masked-lm-positions.onnx', encoderOnly: false, options: { maskedPositions: true } },
  { file: 'masked-lm-int8.onnx', encoderOnly: false, options: { quantization: 'int8' } },
  { file: 'encoder-fused.onnx', encoderOnly: true, options: { fusedOperators: true } },
];
