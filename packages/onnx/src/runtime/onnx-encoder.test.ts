import type { BertForMaskedLM } from '@icd/bert';
import { BertConfig, selectBackend } from '@icd/bert';
import { InvalidArgumentError, UnsupportedError } from '@icd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../export/export-onnx.js';
import {
  loadTinyMaskedLM,
  maxAbsDifference,
  referenceCases,
  withoutMetadata,
} from '../test-support/tiny-fixture.js';
import { readModelMetadata } from './model-metadata.js';
import { OnnxEncoder } from './onnx-encoder.js';
import { importRuntimePackage, loadOnnxRuntime } from './onnx-runtime.js';

let mlm: BertForMaskedLM;
let bytes: Uint8Array;
let encoder: OnnxEncoder;
const [small, padded] = referenceCases();

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = loadTinyMaskedLM();
  bytes = await exportOnnx(mlm.bert);
  encoder = await OnnxEncoder.load(bytes);
});
afterAll(() => {
  encoder.dispose();
  mlm.dispose();
});

describe('onnxruntime loading', () => {
  it('says what to install when the optional peer is missing', async () => {
    const error = await importRuntimePackage('onnxruntime-not-installed').catch((e: unknown) => e);
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/npm i onnxruntime-not-installed/);
  });

  it('rejects an unknown runtime choice', async () => {
    await expect(loadOnnxRuntime('python' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('runs the same model on onnxruntime-web (WASM) as on onnxruntime-node', async () => {
    const web = await OnnxEncoder.load(bytes, { runtime: 'web' });
    const input = {
      inputIds: padded!.inputIds,
      attentionMask: padded!.attentionMask,
      tokenTypeIds: padded!.tokenTypeIds,
    };
    const [fromWeb, fromNode] = [await web.encode(input), await encoder.encode(input)];
    expect(maxAbsDifference(fromWeb.lastHiddenState.data, padded!.lastHiddenState)).toBeLessThan(1e-4);
    expect(maxAbsDifference(fromWeb.lastHiddenState.data, fromNode.lastHiddenState.data)).toBeLessThan(1e-4);
    web.dispose();
  });
});

describe('OnnxEncoder', () => {
  it('reads its config from the icd.config metadata and reports the encoder info', () => {
    expect(readModelMetadata(bytes)).toMatchObject({ 'icd.task': 'encoder', 'icd.quantization': 'none' });
    expect(encoder.info).toEqual({
      modelType: 'bert',
      hiddenSize: 32,
      numHiddenLayers: 2,
      numAttentionHeads: 4,
      maxPositionEmbeddings: 24,
      vocabSize: 61,
    });
  });

  it('takes TensorData<Int32Array> ids and defaults the mask to ones and the segments to zeros', async () => {
    const ids = [[2, 7, 9, 3]];
    const fromRows = await encoder.encode({
      inputIds: ids,
      attentionMask: [[1, 1, 1, 1]],
      tokenTypeIds: [[0, 0, 0, 0]],
    });
    const fromData = await encoder.encode({ inputIds: { data: Int32Array.from(ids[0]!), shape: [1, 4] } });
    expect(Array.from(fromData.lastHiddenState.data)).toEqual(Array.from(fromRows.lastHiddenState.data));
  });

  it('loads a file without metadata (as HF optimum writes) given its config.json', async () => {
    const stripped = withoutMetadata(bytes);
    expect(readModelMetadata(stripped)).toEqual({});
    await expect(OnnxEncoder.load(stripped)).rejects.toThrow(/config\.json/);
    const config = JSON.parse(JSON.stringify(mlm.config.toJson())) as Record<string, unknown>;
    const optimumLike = await OnnxEncoder.load(stripped, { config });
    const input = { inputIds: small!.inputIds, tokenTypeIds: small!.tokenTypeIds };
    const output = await optimumLike.encode(input);
    expect(maxAbsDifference(output.lastHiddenState.data, small!.lastHiddenState)).toBeLessThan(1e-4);
    expect((await OnnxEncoder.load(stripped, { config: new BertConfig(mlm.config) })).info.vocabSize).toBe(
      61,
    );
    optimumLike.dispose();
  });

  it('rejects bad inputs with messages that name the argument', async () => {
    const reject = (input: unknown, pattern: RegExp) =>
      expect(encoder.encode(input as never)).rejects.toThrow(pattern);
    await reject({ inputIds: [[2, 3], [2]] }, /inputIds\[1\]/);
    await reject({ inputIds: [[2, 61]] }, /token id in \[0, 60\]/);
    await reject({ inputIds: [[2, 1.5]] }, /token id/);
    await reject({ inputIds: [Array.from({ length: 25 }, () => 5)] }, /at most 24 tokens/);
    await reject({ inputIds: [[2, 3]], attentionMask: [[1, 1, 1]] }, /attentionMask/);
    await reject({ inputIds: [[2, 3]], tokenTypeIds: [[0, 2]] }, /segment id in \[0, 1\]/);
    await reject({ inputIds: [] }, /non-empty/);
    await reject({ inputsEmbeds: { data: new Float32Array(3), shape: [1, 3] } }, /inputsEmbeds/);
    await reject(null, /inputIds/);
    await expect(encoder.encode({ inputIds: [[2, 3]] }, { outputHiddenStates: true })).rejects.toBeInstanceOf(
      UnsupportedError,
    );
  });

  it('rejects bytes that are not an ONNX model, and calls after dispose', async () => {
    await expect(OnnxEncoder.load(new Uint8Array([1, 2, 3]), { config: {} })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(OnnxEncoder.load(bytes, { intraOpNumThreads: -1 })).rejects.toThrow(/intraOpNumThreads/);
    const disposable = await OnnxEncoder.load(bytes, { intraOpNumThreads: 1 });
    disposable.dispose();
    disposable.dispose();
    await expect(disposable.encode({ inputIds: [[2, 3]] })).rejects.toThrow(/disposed/);
  });
});
