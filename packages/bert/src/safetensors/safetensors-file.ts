import { CheckpointError } from '@icd/core';
import { bfloat16ToFloat32, float16ToFloat32 } from './half-precision.js';

/** Bytes per element of every safetensors dtype. */
const dtypeSizes: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** The floating dtypes {@link SafetensorsFile.readFloat32} converts. */
export const floatDtypes = ['F32', 'F16', 'BF16', 'F64'] as const;

/**
 * One tensor's header entry.
 *
 * @example
 * ```ts
 * const entry: SafetensorsEntry | undefined = file.entries.get('bert.embeddings.word_embeddings.weight');
 * entry?.dtype; // 'F32'
 * entry?.shape; // [30522, 768]
 * ```
 */
export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  /** `[begin, end)` byte offsets within the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** Largest header accepted (the reference implementation's limit), so a corrupt length fails fast. */
const maxHeaderBytes = 100_000_000;

/**
 * A parsed safetensors file (huggingface/safetensors format): an 8-byte little-endian header length N,
 * N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`, then
 * the data section. Construction validates everything (header bounds, JSON, dtypes, shapes, offsets
 * against sizes and the file length, overlaps); tensors are converted lazily by {@link readFloat32}.
 * Errors are `CheckpointError`s naming `file` and, when one is at fault, the tensor.
 *
 * @example
 * ```ts
 * const file = new SafetensorsFile(await readFile('model.safetensors'), 'model.safetensors');
 * file.readFloat32('embeddings.word_embeddings.weight'); // Float32Array
 * ```
 */
export class SafetensorsFile {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly dataStart: number;

  private readonly bytes: Uint8Array;

  constructor(
    bytes: Uint8Array,
    readonly file: string,
  ) {
    // A plain Uint8Array view: Node's Buffer#slice does not copy, and readFloat32 needs copies.
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fail = (message: string, tensor?: string): never => {
      throw new CheckpointError({ file, message, ...(tensor ? { tensor } : {}) });
    };
    if (bytes.length < 8)
      fail(`truncated: ${bytes.length} bytes, a safetensors file starts with an 8-byte header length`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    if (headerLength > maxHeaderBytes)
      fail(
        `header length ${headerLength} is over the ${maxHeaderBytes}-byte limit: not a safetensors file, or corrupt`,
      );
    if (8 + headerLength > bytes.length) {
      fail(
        `truncated: the header claims ${headerLength} bytes but the file has only ${bytes.length - 8} after the length`,
      );
    }
    let header: unknown;
    try {
      header = JSON.parse(
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
      );
    } catch (cause) {
      throw new CheckpointError({
        file,
        message: `the header is not valid UTF-8 JSON (${String(cause)})`,
        cause,
      });
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header))
      fail('the header is not a JSON object');
    this.dataStart = 8 + headerLength;
    const dataLength = bytes.length - this.dataStart;
    const entries = new Map<string, SafetensorsEntry>();
    let metadata: Record<string, string> = {};
    for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
          fail('__metadata__ is not an object');
        metadata = raw as Record<string, string>;
        continue;
      }
      const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (typeof entry !== 'object' || entry === null) fail(`tensor '${name}' has no header object`, name);
      const size = typeof entry.dtype === 'string' ? dtypeSizes[entry.dtype] : undefined;
      if (size === undefined) fail(`tensor '${name}' has unknown dtype ${JSON.stringify(entry.dtype)}`, name);
      const shape = entry.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`, name);
      }
      const offsets = entry.data_offsets;
      if (
        !Array.isArray(offsets) ||
        offsets.length !== 2 ||
        !offsets.every((o) => Number.isInteger(o) && o >= 0)
      ) {
        fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`, name);
      }
      const [begin, end] = offsets as [number, number];
      const elements = (shape as number[]).reduce((product, d) => product * d, 1);
      if (end < begin || end - begin !== elements * (size as number)) {
        fail(
          `tensor '${name}' (${entry.dtype} [${(shape as number[]).join(', ')}]) needs ${elements * (size as number)} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
          name,
        );
      }
      if (end > dataLength) {
        fail(
          `truncated: tensor '${name}' ends at byte ${end} of the data section, which has only ${dataLength} bytes`,
          name,
        );
      }
      entries.set(name, {
        dtype: entry.dtype as string,
        shape: shape as number[],
        dataOffsets: [begin, end],
      });
    }
    const sorted = [...entries].sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0]);
    for (let index = 1; index < sorted.length; index++) {
      const [previousName, previous] = sorted[index - 1] as [string, SafetensorsEntry];
      const [name, current] = sorted[index] as [string, SafetensorsEntry];
      if (current.dataOffsets[0] < previous.dataOffsets[1])
        fail(`tensors '${previousName}' and '${name}' overlap`, name);
    }
    this.entries = entries;
    this.metadata = metadata;
  }

  /** The values of tensor `name` as float32 (F16, BF16 and F64 converted); a copy, row-major. */
  readFloat32(name: string): Float32Array {
    const entry = this.entries.get(name);
    if (!entry)
      throw new CheckpointError({ file: this.file, tensor: name, message: `has no tensor '${name}'` });
    const [begin, end] = entry.dataOffsets;
    // Copy to a fresh, aligned buffer: data offsets need not be multiples of the element size.
    const raw = this.bytes.slice(this.dataStart + begin, this.dataStart + end).buffer;
    switch (entry.dtype) {
      case 'F32':
        return new Float32Array(raw);
      case 'F16':
        return float16ToFloat32(new Uint16Array(raw));
      case 'BF16':
        return bfloat16ToFloat32(new Uint16Array(raw));
      case 'F64':
        return Float32Array.from(new Float64Array(raw));
      default:
        throw new CheckpointError({
          file: this.file,
          tensor: name,
          message: `tensor '${name}' has dtype ${entry.dtype}; expected one of ${floatDtypes.join(', ')}`,
        });
    }
  }
}
