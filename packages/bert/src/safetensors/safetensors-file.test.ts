import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { parity, parityDirectory } from '../test-support/parity-fixture.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './half-precision.js';
import { SafetensorsFile } from './safetensors-file.js';
import { serializeSafetensors } from './write-safetensors.js';

const fixtureBytes = readFileSync(join(parityDirectory, 'model.safetensors'));
const word = 'bert.embeddings.word_embeddings.weight';

function headerBytes(header: object, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + dataBytes);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return bytes;
}

function checkpointError(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (error) {
    if (CheckpointError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a CheckpointError');
}

describe('SafetensorsFile', () => {
  it('reads the file written by the Python fixture script', () => {
    const file = new SafetensorsFile(fixtureBytes, 'model.safetensors');
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.entries.get(word)).toMatchObject({ dtype: 'F32', shape: [99, 32] });
    expect(file.readFloat32(word)).toHaveLength(99 * 32);
  });

  it('converts F16 and BF16 exactly as torch .half().float() / .bfloat16().float()', () => {
    const f16 = new SafetensorsFile(readFileSync(join(parityDirectory, 'model-f16.safetensors')), 'f16');
    expect(Array.from(f16.readFloat32(word).slice(0, 16))).toEqual(parity.f16FirstValues);
    const bf16 = new SafetensorsFile(readFileSync(join(parityDirectory, 'model-bf16.safetensors')), 'bf16');
    expect(Array.from(bf16.readFloat32(word).slice(0, 16))).toEqual(parity.bf16FirstValues);
  });

  it('decodes half-precision special values', () => {
    // 0x0001: smallest subnormal 2^-24; 0x7bff: max 65504; 0x7c00: +inf; 0xfe00: NaN; 0x8000: -0.
    expect(Array.from(float16ToFloat32(new Uint16Array([0x0001, 0x7bff, 0x7c00, 0x8000, 0x3555])))).toEqual([
      2 ** -24,
      65504,
      Number.POSITIVE_INFINITY,
      -0,
      0.333251953125,
    ]);
    expect(float16ToFloat32(new Uint16Array([0xfe00]))[0]).toBeNaN();
    expect(Array.from(bfloat16ToFloat32(new Uint16Array([0x3f80, 0xc040, 0x7f80])))).toEqual([
      1,
      -3,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('round-trips through serializeSafetensors with 8-byte aligned data', () => {
    const data = new Float32Array([1.5, -2, 3.25, 0, 7, 8]);
    const bytes = serializeSafetensors([
      { name: 'a', shape: [2, 3], data },
      { name: 'b', shape: [1], data: new Float32Array([42]) },
    ]);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const file = new SafetensorsFile(bytes, 'x');
    expect(Array.from(file.readFloat32('a'))).toEqual(Array.from(data));
    expect(Array.from(file.readFloat32('b'))).toEqual([42]);
    expect(() => serializeSafetensors([{ name: 'a', shape: [3], data }])).toThrow(/6/);
  });

  it('reports truncated and malformed files naming file and tensor', () => {
    const truncated = checkpointError(
      () => new SafetensorsFile(fixtureBytes.subarray(0, fixtureBytes.length - 10), 'cut.safetensors'),
    );
    expect(truncated.file).toBe('cut.safetensors');
    expect(truncated.tensor).toBe('cls.predictions.transform.LayerNorm.bias');
    expect(truncated.message).toMatch(
      /^cut.safetensors: truncated: tensor 'cls.predictions.transform.LayerNorm.bias' ends at byte/,
    );
    expect(checkpointError(() => new SafetensorsFile(fixtureBytes.subarray(0, 5), 'tiny')).message).toMatch(
      /truncated: 5 bytes/,
    );
    expect(checkpointError(() => new SafetensorsFile(fixtureBytes.subarray(0, 100), 'head')).message).toMatch(
      /the header claims/,
    );
    const garbage = new Uint8Array(16);
    new DataView(garbage.buffer).setBigUint64(0, 8n, true);
    expect(checkpointError(() => new SafetensorsFile(garbage, 'g')).message).toMatch(/not valid UTF-8 JSON/);
    const wrongSize = headerBytes({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, 12);
    const error = checkpointError(() => new SafetensorsFile(wrongSize, 'w.safetensors'));
    expect(error.tensor).toBe('w');
    expect(error.message).toMatch(/needs 16 bytes but data_offsets \[0, 12\] span 12/);
    expect(
      checkpointError(
        () =>
          new SafetensorsFile(headerBytes({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, 1), 'q'),
      ).message,
    ).toMatch(/unknown dtype "Q4"/);
    expect(
      checkpointError(
        () =>
          new SafetensorsFile(
            headerBytes({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4),
            's',
          ),
      ).message,
    ).toMatch(/invalid shape/);
    const overlap = headerBytes(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      },
      8,
    );
    expect(checkpointError(() => new SafetensorsFile(overlap, 'o')).message).toMatch(/overlap/);
    const integer = new SafetensorsFile(
      headerBytes({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, 8),
      'i',
    );
    expect(checkpointError(() => integer.readFloat32('ids')).message).toMatch(
      /dtype I64; expected one of F32/,
    );
    expect(checkpointError(() => integer.readFloat32('nope')).message).toMatch(/has no tensor 'nope'/);
  });

  it('rejects a corrupt header length, a non-object header and malformed entries', () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(checkpointError(() => new SafetensorsFile(huge, 'huge')).message).toMatch(
      /^huge: header length \d+ is over the 100000000-byte limit/,
    );
    expect(checkpointError(() => new SafetensorsFile(headerBytes([1, 2], 0), 'a')).message).toMatch(
      /the header is not a JSON object/,
    );
    expect(
      checkpointError(() => new SafetensorsFile(headerBytes({ __metadata__: 'pt' }, 0), 'm')).message,
    ).toMatch(/__metadata__ is not an object/);
    const notObject = checkpointError(() => new SafetensorsFile(headerBytes({ w: null }, 0), 'n'));
    expect(notObject.tensor).toBe('w');
    expect(notObject.message).toMatch(/tensor 'w' has no header object/);
    for (const offsets of [[0], [-4, 0], [0, 4, 8], ['0', '4'], [0, 4.5]]) {
      expect(
        checkpointError(
          () =>
            new SafetensorsFile(
              headerBytes({ w: { dtype: 'F32', shape: [1], data_offsets: offsets } }, 8),
              'o',
            ),
        ).message,
      ).toMatch(/tensor 'w' has invalid data_offsets/);
    }
    const reversed = headerBytes({ w: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, 8);
    expect(checkpointError(() => new SafetensorsFile(reversed, 'r')).message).toMatch(
      /needs 4 bytes but data_offsets \[8, 4\] span -4/,
    );
  });
});
