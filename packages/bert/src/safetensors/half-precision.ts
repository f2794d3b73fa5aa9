/**
 * IEEE 754 binary16 bit patterns to float32: sign, 5-bit exponent (bias 15), 10-bit fraction;
 * subnormals, infinities and NaN included.
 *
 * @example
 * ```ts
 * float16ToFloat32(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 * ```
 */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let index = 0; index < bits.length; index++) {
    const value = bits[index] as number;
    const sign = value & 0x8000 ? -1 : 1;
    const exponent = (value >> 10) & 0x1f;
    const fraction = value & 0x3ff;
    if (exponent === 0) out[index] = sign * fraction * 2 ** -24;
    else if (exponent === 0x1f) out[index] = fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
    else out[index] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/**
 * bfloat16 bit patterns to float32: bfloat16 is the upper half of a float32, so the conversion is a
 * 16-bit shift.
 *
 * @example
 * ```ts
 * bfloat16ToFloat32(new Uint16Array([0x3f80])); // Float32Array [1]
 * ```
 */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const wide = new Uint32Array(bits.length);
  for (let index = 0; index < bits.length; index++) wide[index] = (bits[index] as number) << 16;
  return new Float32Array(wide.buffer);
}
