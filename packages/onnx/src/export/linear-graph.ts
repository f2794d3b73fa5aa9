import type { GraphBuilder } from '../graph/graph-builder.js';
import { quantizeColumns } from './quantize-weights.js';

/** A weight read from the model: values in memory layout (linear weights `[in, out]`) and its shape. */
export interface WeightValues {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * How linear layers are written: float32 `MatMul`, or dynamic int8 (`DynamicQuantizeLinear` + `MatMulInteger`).
 *
 * @example
 * ```ts
 * const quantization: Quantization = 'int8';
 * await exportOnnx(model, { quantization });
 * ```
 */
export type Quantization = 'none' | 'int8';

/**
 * Writes the linear layers of a graph, x·W + b, in float32 or dynamically quantized int8.
 *
 * int8 is ONNX Runtime's "dynamic quantization" (`onnxruntime.quantization.quantize_dynamic`, written
 * here since the Python quantizer is not available): each weight column n is quantized symmetrically,
 * W_q[:, n] = round(W[:, n] / s_n) with s_n = max|W[:, n]| / 127 (int8, zero point 0); each activation
 * is quantized at run time per tensor to uint8 by `DynamicQuantizeLinear` (scale a, zero point z); then
 * y = (a · s) ⊙ MatMulInteger(x_q, W_q, z, 0) + b. The pattern DynamicQuantizeLinear → MatMulInteger →
 * Cast → Mul is the one ONNX Runtime fuses into its `DynamicQuantizeMatMul` kernel. One activation
 * feeding several weights (Q, K, V) is quantized once.
 */
export class LinearGraph {
  private readonly quantizedActivations = new Map<string, [string, string, string]>();

  constructor(
    private readonly graph: GraphBuilder,
    private readonly quantization: Quantization,
  ) {}

  /** x·W for a weight in `[in, out]` layout, named `name` in the graph. */
  matMul(x: string, name: string, weight: WeightValues): string {
    const [inputs, outputs] = weight.shape as [number, number];
    if (this.quantization === 'none') {
      return this.graph.node('MatMul', [x, this.graph.initializer(name, weight.values, [inputs, outputs])]);
    }
    const { quantized, scales } = quantizeColumns(weight.values, inputs, outputs);
    const weightQuantized = this.graph.initializer(`${name}_quantized`, quantized, [inputs, outputs]);
    const weightScale = this.graph.initializer(`${name}_scale`, scales, [outputs]);
    const weightZeroPoint = this.graph.initializer(`${name}_zero_point`, new Int8Array(outputs), [outputs]);
    const [xQuantized, xScale, xZeroPoint] = this.quantizeActivation(x);
    const product = this.graph.node('MatMulInteger', [
      xQuantized,
      weightQuantized,
      xZeroPoint,
      weightZeroPoint,
    ]);
    const asFloat = this.graph.node('Cast', [product], { to: { int: 1 } });
    const scale = this.graph.node('Mul', [xScale, weightScale]);
    return this.graph.node('Mul', [asFloat, scale]);
  }

  /** x·W + b (HF `nn.Linear`), W `[in, out]`. */
  dense(x: string, prefix: string, weight: WeightValues, bias: WeightValues): string {
    const product = this.matMul(x, `${prefix}.weight`, weight);
    return this.graph.node('Add', [
      product,
      this.graph.initializer(`${prefix}.bias`, bias.values, bias.shape),
    ]);
  }

  private quantizeActivation(x: string): [string, string, string] {
    let quantized = this.quantizedActivations.get(x);
    if (!quantized) {
      quantized = this.graph.nodeOutputs('DynamicQuantizeLinear', [x], { outputCount: 3 }) as [
        string,
        string,
        string,
      ];
      this.quantizedActivations.set(x, quantized);
    }
    return quantized;
  }
}
