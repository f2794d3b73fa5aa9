import protobuf from 'protobufjs/light.js';
import { onnxDescriptor } from '../proto/onnx-descriptor.js';

/** `TensorProto.DataType` values used by the exporter (onnx.proto). */
export const dataTypes = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;

/** An ONNX element type the exporter writes. */
export type OnnxDataType = keyof typeof dataTypes;

/** One dimension of a graph input or output: a fixed size or a symbolic name (`batch_size`). */
export type Dimension = number | string;

/** An attribute value: float, integer, integer list, or string (ONNX `AttributeProto` types). */
export type AttributeValue =
  | { readonly float: number }
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly string: string };

const attributeTypes = { float: 1, int: 2, string: 3, ints: 7 } as const;

let cachedModelType: protobuf.Type | undefined;

/** The `onnx.ModelProto` message type from the official schema (built once). */
export function modelProtoType(): protobuf.Type {
  cachedModelType ??= protobuf.Root.fromJSON(onnxDescriptor).lookupType('onnx.ModelProto');
  return cachedModelType;
}

function toAttribute(name: string, value: AttributeValue): Record<string, unknown> {
  if ('float' in value) return { name, type: attributeTypes.float, f: value.float };
  if ('int' in value) return { name, type: attributeTypes.int, i: value.int };
  if ('ints' in value) return { name, type: attributeTypes.ints, ints: [...value.ints] };
  return { name, type: attributeTypes.string, s: new TextEncoder().encode(value.string) };
}

function valueInfo(name: string, type: OnnxDataType, shape: readonly Dimension[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensorType: {
        elemType: dataTypes[type],
        shape: {
          dim: shape.map((dimension) =>
            typeof dimension === 'number' ? { dimValue: dimension } : { dimParam: dimension },
          ),
        },
      },
    },
  };
}

function bytesOf(values: Float32Array | BigInt64Array | Int8Array | Uint8Array): Uint8Array {
  // ONNX raw_data is little-endian, as every platform tfjs and onnxruntime run on.
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Collects the nodes, initializers, inputs and outputs of one ONNX graph and encodes the model with
 * protobufjs and the official `onnx.proto` schema. Node outputs get unique names from a counter, so
 * graph code reads as a chain of calls: `const y = graph.node('MatMul', [x, w])`.
 */
export class GraphBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly inputs: Record<string, unknown>[] = [];
  private readonly outputs: Record<string, unknown>[] = [];
  private readonly names = new Set<string>();
  private readonly domains = new Set<string>();
  private counter = 0;

  /** Adds a node and returns its output names (`outputCount` of them, default 1). */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    options: {
      readonly attributes?: Readonly<Record<string, AttributeValue>>;
      readonly domain?: string;
      readonly outputCount?: number;
      readonly name?: string;
    } = {},
  ): string[] {
    const base = options.name ?? `${opType}_${this.counter++}`;
    const count = options.outputCount ?? 1;
    const outputs = Array.from({ length: count }, (_, index) => (count === 1 ? base : `${base}:${index}`));
    for (const output of outputs) this.claim(output);
    if (options.domain) this.domains.add(options.domain);
    this.nodes.push({
      name: base,
      opType,
      input: [...inputs],
      output: outputs,
      ...(options.domain ? { domain: options.domain } : {}),
      attribute: Object.entries(options.attributes ?? {}).map(([name, value]) => toAttribute(name, value)),
    });
    return outputs;
  }

  /** Adds a single-output node and returns its output name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    name?: string,
  ): string {
    return this.nodeOutputs(opType, inputs, { attributes, ...(name ? { name } : {}) })[0] as string;
  }

  /** Adds a node in another operator domain (e.g. `com.microsoft`) and returns its output name. */
  domainNode(
    domain: string,
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
  ): string {
    return this.nodeOutputs(opType, inputs, { attributes, domain })[0] as string;
  }

  /** Renames the value `from` to the graph output name `to` with an Identity node. */
  output(from: string, to: string, type: OnnxDataType, shape: readonly Dimension[]): void {
    this.node('Identity', [from], {}, to);
    this.outputs.push(valueInfo(to, type, shape));
  }

  /** Declares a graph input and returns its name. */
  input(name: string, type: OnnxDataType, shape: readonly Dimension[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** Adds a weight or constant as an initializer (raw little-endian data) and returns its name. */
  initializer(
    name: string,
    values: Float32Array | BigInt64Array | Int8Array | Uint8Array,
    dims: readonly number[],
  ): string {
    const dataType =
      values instanceof Float32Array
        ? dataTypes.float
        : values instanceof BigInt64Array
          ? dataTypes.int64
          : values instanceof Int8Array
            ? dataTypes.int8
            : dataTypes.uint8;
    this.claim(name);
    this.initializers.push({ name, dims: [...dims], dataType, rawData: bytesOf(values) });
    return name;
  }

  /** An int64 constant (shapes, axes, indices) as an initializer. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(`const_${this.counter++}`, BigInt64Array.from(values.map(BigInt)), dims);
  }

  /** A float32 constant as an initializer (scalar when `dims` is `[]`). */
  float(values: readonly number[], dims: readonly number[] = []): string {
    return this.initializer(`const_${this.counter++}`, Float32Array.from(values), dims);
  }

  /** Encodes the model (`ModelProto`) with the default ONNX opset `opset` and any extra domains used. */
  encode(options: {
    readonly graphName: string;
    readonly opset: number;
    readonly irVersion: number;
    readonly producerVersion: string;
    readonly docString: string;
    readonly metadata: Readonly<Record<string, string>>;
  }): Uint8Array {
    const type = modelProtoType();
    const message = type.fromObject({
      irVersion: options.irVersion,
      producerName: '@icd/onnx',
      producerVersion: options.producerVersion,
      docString: options.docString,
      opsetImport: [
        { domain: '', version: options.opset },
        ...[...this.domains].map((domain) => ({ domain, version: 1 })),
      ],
      metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return type.encode(message).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`GraphBuilder: duplicate value name '${name}'`);
    this.names.add(name);
  }
}
