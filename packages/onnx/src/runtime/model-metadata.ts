import { invalidArgument } from '@icd/core';
import protobuf from 'protobufjs/light.js';
import { modelProtoType } from '../graph/graph-builder.js';

const metadataField = 14; // ModelProto.metadata_props
const lengthDelimited = 2;

/**
 * Reads `ModelProto.metadata_props` of an ONNX file without decoding its graph (whose initializers may
 * be hundreds of megabytes): protobufjs's reader walks the top-level fields, skipping all but field 14.
 *
 * @example
 * ```ts
 * readModelMetadata(await exportOnnx(model))['icd.task']; // 'encoder'
 * ```
 */
export function readModelMetadata(bytes: Uint8Array): Record<string, string> {
  const entryType = modelProtoType().lookupType('onnx.StringStringEntryProto');
  if (!(bytes instanceof Uint8Array))
    invalidArgument('readModelMetadata', 'bytes', 'ONNX bytes (Uint8Array)', bytes);
  try {
    return readMetadataFields(bytes, entryType);
  } catch (cause) {
    return invalidArgument(
      'readModelMetadata',
      'bytes',
      `an ONNX ModelProto (${String(cause)})`,
      `${bytes.length} bytes`,
    );
  }
}

function readMetadataFields(bytes: Uint8Array, entryType: protobuf.Type): Record<string, string> {
  const reader = protobuf.Reader.create(bytes);
  const metadata: Record<string, string> = {};
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === metadataField && (tag & 7) === lengthDelimited) {
      const entry = entryType.toObject(entryType.decode(reader, reader.uint32())) as {
        key?: string;
        value?: string;
      };
      if (entry.key !== undefined) metadata[entry.key] = entry.value ?? '';
    } else {
      reader.skipType(tag & 7);
    }
  }
  return metadata;
}
