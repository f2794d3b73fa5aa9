import { CheckpointError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * float32 tensors as a safetensors file (8-byte little-endian header length, JSON header padded to
 * 8 bytes, data back to back), so trainer checkpoints open in Python's `safetensors` too. A small
 * copy of `@icd/bert`'s writer, as `@icd/train` depends on `@icd/core` and tfjs only. @internal
 */
export async function encodeTensors(tensors: ReadonlyMap<string, tf.Tensor>): Promise<Uint8Array> {
  const header: Record<string, unknown> = { __metadata__: { format: 'icd-train' } };
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const data =
      tensor.dtype === 'float32'
        ? ((await tensor.data()) as Float32Array)
        : Float32Array.from(await tensor.data());
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
    chunks.push(data);
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - ((8 + new TextEncoder().encode(text).length) % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const bytes = new Uint8Array(8 + json.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  let position = 8 + json.length;
  for (const data of chunks) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return bytes;
}

/** Reads a file from {@link encodeTensors} into new tensors (the caller disposes them). @internal */
export function decodeTensors(bytes: Uint8Array, file: string): Map<string, tf.Tensor> {
  const fail = (message: string): never => {
    throw new CheckpointError({ file, message });
  };
  if (bytes.length < 8) fail('truncated: shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) fail(`truncated: header of ${headerLength} bytes exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new CheckpointError({ file, message: 'the header is not valid JSON', cause });
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = entry?.data_offsets ?? [];
    const elements = Array.isArray(entry?.shape) ? entry.shape.reduce((a, b) => a * b, 1) : Number.NaN;
    if (
      entry?.dtype !== 'F32' ||
      !Number.isInteger(begin) ||
      !Number.isInteger(end) ||
      end! - begin! !== elements * 4 ||
      dataStart + end! > bytes.length
    ) {
      tf.dispose([...tensors.values()]);
      fail(`tensor '${name}' has a bad entry (F32 with offsets matching its shape expected)`);
    }
    const data = new Float32Array(bytes.slice(dataStart + begin!, dataStart + end!).buffer);
    tensors.set(name, tf.tensor(data, entry.shape, 'float32'));
  }
  return tensors;
}
