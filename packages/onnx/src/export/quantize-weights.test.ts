import { describe, expect, it } from 'vitest';
import { quantizeColumns } from './quantize-weights.js';

describe('quantizeColumns', () => {
  it('quantizes each column symmetrically to int8 with scale max|column| / 127 (hand-computed)', () => {
    // [[1, -0.5], [-2, 0.25]]: column 0 has max 2, column 1 max 0.5.
    const { quantized, scales } = quantizeColumns(Float32Array.from([1, -0.5, -2, 0.25]), 2, 2);
    expect(Array.from(scales)).toEqual([Math.fround(2 / 127), Math.fround(0.5 / 127)]);
    // 1 / (2/127) = 63.5 → 64; -0.5 / (0.5/127) = -127; -2 → -127; 0.25 / (0.5/127) = 63.5 → 64.
    expect(Array.from(quantized)).toEqual([64, -127, -127, 64]);
  });

  it('gives an all-zero column scale 1 and reconstructs within half a step', () => {
    const values = Float32Array.from([0, 0.3, 0, -0.7, 0, 0.01]);
    const { quantized, scales } = quantizeColumns(values, 3, 2);
    expect(scales[0]).toBe(1);
    for (let index = 0; index < values.length; index++) {
      const scale = scales[index % 2] as number;
      expect(Math.abs((quantized[index] as number) * scale - (values[index] as number))).toBeLessThanOrEqual(
        scale / 2 + 1e-9,
      );
    }
  });
});
