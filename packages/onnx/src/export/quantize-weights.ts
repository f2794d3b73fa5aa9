/**
 * Symmetric per-column int8 quantization of a `[rows, columns]` row-major matrix: column n is stored as
 * round(W[:, n] / s_n) clamped to [-127, 127], with s_n = max|W[:, n]| / 127 (1 for an all-zero column).
 * Per column (per output channel) keeps each output's relative error near 1/254 of its range; zero
 * point 0 keeps the integer product free of correction terms. Returns the int8 values and the scales.
 *
 * @example
 * ```ts
 * quantizeColumns(Float32Array.from([1, -0.5, -2, 0.25]), 2, 2);
 * // { quantized: Int8Array [64, -127, -127, 64], scales: Float32Array [2/127, 0.5/127] }
 * ```
 */
export function quantizeColumns(
  values: Float32Array,
  rows: number,
  columns: number,
): { quantized: Int8Array; scales: Float32Array } {
  const maxima = new Float32Array(columns);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    for (let column = 0; column < columns; column++) {
      const magnitude = Math.abs(values[offset + column] as number);
      if (magnitude > (maxima[column] as number)) maxima[column] = magnitude;
    }
  }
  const scales = new Float32Array(columns);
  for (let column = 0; column < columns; column++) {
    const maximum = maxima[column] as number;
    scales[column] = maximum > 0 ? maximum / 127 : 1;
  }
  const quantized = new Int8Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    for (let column = 0; column < columns; column++) {
      const level = Math.round((values[offset + column] as number) / (scales[column] as number));
      quantized[offset + column] = Math.max(-127, Math.min(127, level));
    }
  }
  return { quantized, scales };
}
