import { invalidArgument } from '@icd/core';

/**
 * One float32 tensor to write.
 *
 * @example
 * ```ts
 * const tensor: SafetensorsTensor = { name: 'cls.predictions.bias', shape: [3], data: Float32Array.of(0, 0, 0) };
 * writeFileSync('model.safetensors', serializeSafetensors([tensor]));
 * ```
 */
export interface SafetensorsTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Serialises float32 tensors in the safetensors format: 8-byte little-endian header length, a JSON
 * header padded with spaces to a multiple of 8 bytes (so every F32 tensor is aligned), then the tensors
 * back to back in the given order. `metadata` defaults to `{ format: 'pt' }`, which HF `transformers`
 * requires to load the file.
 *
 * @example
 * ```ts
 * const bytes = serializeSafetensors([{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }]);
 * ```
 */
export function serializeSafetensors(
  tensors: readonly SafetensorsTensor[],
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const seen = new Set<string>();
  for (const tensor of tensors) {
    if (seen.has(tensor.name) || tensor.name === '__metadata__') {
      invalidArgument('serializeSafetensors', 'tensors', 'unique tensor names', tensor.name);
    }
    seen.add(tensor.name);
    const elements = tensor.shape.reduce((product, d) => product * d, 1);
    if (elements !== tensor.data.length) {
      invalidArgument(
        'serializeSafetensors',
        `${tensor.name}.data`,
        `${elements} values for shape [${tensor.shape.join(', ')}]`,
        tensor.data.length,
      );
    }
    header[tensor.name] = {
      dtype: 'F32',
      shape: tensor.shape,
      data_offsets: [offset, offset + tensor.data.byteLength],
    };
    offset += tensor.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  if (padded !== json.length)
    json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const bytes = new Uint8Array(8 + json.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  let position = 8 + json.length;
  for (const tensor of tensors) {
    bytes.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), position);
    position += tensor.data.byteLength;
  }
  return bytes;
}
