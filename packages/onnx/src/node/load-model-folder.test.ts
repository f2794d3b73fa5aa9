import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertForMaskedLM, BertModel, selectBackend } from '@icd/bert/node';
import { InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../export/export-onnx.js';
import { readModelMetadata } from '../runtime/model-metadata.js';
import { OnnxEncoder } from '../runtime/onnx-encoder.js';
import { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import {
  maxAbsDifference,
  referenceCases,
  tinyCheckpoint,
  withoutMetadata,
} from '../test-support/tiny-fixture.js';
import { ensureOnnxFile, exportFileName, loadEncoder, loadMaskedLM } from './load-model-folder.js';

let root: string;
const cases = referenceCases();
const inputOf = (c: (typeof cases)[number]) => ({
  inputIds: c.inputIds,
  attentionMask: c.attentionMask,
  tokenTypeIds: c.tokenTypeIds,
});

/** A copy of the committed tiny HF folder (config.json + model.safetensors), so exports land in a temp folder. */
function tinyFolder(name: string): string {
  const folder = join(root, name);
  rmSync(folder, { recursive: true, force: true });
  for (const file of ['config.json', 'model.safetensors']) {
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(tinyCheckpoint, file), join(folder, file));
  }
  return folder;
}

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  root = mkdtempSync(join(tmpdir(), 'icd-onnx-engine-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadEncoder / loadMaskedLM: one option picks the engine', () => {
  it("engine 'tfjs' (default) is @icd/bert's model, 'onnx' an ONNX Runtime session exported on first use; both equal PyTorch", async () => {
    const folder = tinyFolder('engines');
    const before = tf.memory().numTensors;
    const tfjs = await loadEncoder(folder);
    expect(tfjs).toBeInstanceOf(BertModel);
    const onnx = await loadEncoder(folder, { engine: 'onnx', intraOpNumThreads: 1 });
    expect(onnx).toBeInstanceOf(OnnxEncoder);
    expect(existsSync(join(folder, 'onnx', 'encoder.onnx'))).toBe(true);
    for (const c of cases) {
      const [fromTfjs, fromOnnx] = [await tfjs.encode(inputOf(c)), await onnx.encode(inputOf(c))];
      // The reference is PyTorch's (float64, fixtures/tiny/expected.json, make-reference.py).
      expect(maxAbsDifference(fromOnnx.lastHiddenState.data, c.lastHiddenState)).toBeLessThan(1e-4);
      expect(maxAbsDifference(fromTfjs.lastHiddenState.data, c.lastHiddenState)).toBeLessThan(1e-4);
      expect(maxAbsDifference(fromOnnx.poolerOutput!.data, c.poolerOutput)).toBeLessThan(1e-4);
    }
    tfjs.dispose();
    onnx.dispose();

    const mlm = await loadMaskedLM(folder, { engine: 'onnx', export: { maskedPositions: true } });
    expect(mlm).toBeInstanceOf(OnnxMaskedLM);
    expect(mlm.takesPositions).toBe(true);
    expect(existsSync(join(folder, 'onnx', 'masked-lm-positions.onnx'))).toBe(true);
    const tfjsMlm = await loadMaskedLM(folder, { engine: 'tfjs' });
    expect(tfjsMlm).toBeInstanceOf(BertForMaskedLM);
    const c = cases[1]!;
    const [length] = [c.shape[1]];
    // Flat positions (row · sequence + column), the MaskedLanguageModel contract, on both engines.
    const flat = c.positions.flatMap((row, r) => row.map((column) => r * length + column));
    const fromOnnx = await mlm.predictMasked(inputOf(c), { positions: flat });
    const fromTfjs = await tfjsMlm.predictMasked(inputOf(c), { positions: flat });
    expect(fromOnnx.logits.shape).toEqual([flat.length, 61]);
    expect(maxAbsDifference(fromOnnx.logits.data, fromTfjs.logits.data)).toBeLessThan(1e-4);
    expect(maxAbsDifference(fromOnnx.logits.data, c.positionLogits)).toBeLessThan(1e-4);
    mlm.dispose();
    tfjsMlm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reuses the export, re-exports when model.safetensors changes, and prefers a folder model.onnx (HF optimum)', async () => {
    const folder = tinyFolder('cache');
    const file = await ensureOnnxFile(folder, 'maskedLM');
    expect(file).toBe(join(folder, 'onnx', 'masked-lm.onnx'));
    const written = statSync(file).mtimeMs;
    expect(await ensureOnnxFile(folder, 'maskedLM')).toBe(file);
    expect(statSync(file).mtimeMs).toBe(written);
    const stamp = readModelMetadata(new Uint8Array(readFileSync(file)))['icd.source_sha256'];
    expect(stamp).toMatch(/^[0-9a-f]{64}$/);

    // A retrained checkpoint (here: other weights) must not be served the stale export.
    const other = new BertForMaskedLM((await BertForMaskedLM.fromPretrained(folder)).config, {
      seed: 7,
      addPoolingLayer: true,
    });
    await other.save(folder);
    await ensureOnnxFile(folder, 'maskedLM');
    const restamped = readModelMetadata(new Uint8Array(readFileSync(file)))['icd.source_sha256'];
    expect(restamped).not.toBe(stamp);
    const reloaded = await loadMaskedLM(folder, { engine: 'onnx' });
    const c = cases[0]!;
    const expected = await other.predictMasked(inputOf(c));
    expect(
      maxAbsDifference((await reloaded.predictMasked(inputOf(c))).logits.data, expected.logits.data),
    ).toBeLessThan(1e-4);
    reloaded.dispose();

    // An optimum folder: model.onnx without icd metadata, config.json beside it; read as it is.
    writeFileSync(join(folder, 'model.onnx'), withoutMetadata(await exportOnnx(other.bert)));
    expect(await ensureOnnxFile(folder, 'encoder')).toBe(join(folder, 'model.onnx'));
    const optimum = await loadEncoder(folder, { engine: 'onnx' });
    const encoded = await optimum.encode(inputOf(c));
    const reference = await other.bert.encode(inputOf(c));
    expect(maxAbsDifference(encoded.lastHiddenState.data, reference.lastHiddenState.data)).toBeLessThan(1e-4);
    optimum.dispose();
    other.dispose();
  });

  it('takes a Hub id (from the HF cache here, offline): tfjs loads it, onnx exports to cacheDir, never into the HF cache', async () => {
    // The huggingface_hub cache layout: models--org--name/refs/main → snapshots/<commit>/...
    const hfCache = join(root, 'hf-cache');
    const commit = 'a'.repeat(40);
    const snapshot = join(hfCache, 'models--icd--tiny-bert', 'snapshots', commit);
    mkdirSync(snapshot, { recursive: true });
    mkdirSync(join(hfCache, 'models--icd--tiny-bert', 'refs'), { recursive: true });
    writeFileSync(join(hfCache, 'models--icd--tiny-bert', 'refs', 'main'), commit);
    for (const file of ['config.json', 'model.safetensors'])
      copyFileSync(join(tinyCheckpoint, file), join(snapshot, file));
    const hub = { cacheDir: hfCache, localFilesOnly: true };
    const cacheDir = join(root, 'hub-exports');
    const onnx = await loadEncoder('icd/tiny-bert', { engine: 'onnx', hub, cacheDir });
    const tfjs = await loadEncoder('icd/tiny-bert', { hub });
    const c = cases[2]!;
    const [fromOnnx, fromTfjs] = [await onnx.encode(inputOf(c)), await tfjs.encode(inputOf(c))];
    expect(maxAbsDifference(fromOnnx.lastHiddenState.data, c.lastHiddenState)).toBeLessThan(1e-4);
    expect(maxAbsDifference(fromTfjs.lastHiddenState.data, c.lastHiddenState)).toBeLessThan(1e-4);
    expect(existsSync(join(snapshot, 'onnx'))).toBe(false);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    onnx.dispose();
    tfjs.dispose();
  });

  it('writes to cacheDir when given, names files by variant, and rejects bad arguments with typed errors', async () => {
    const folder = tinyFolder('cached');
    const cacheDir = join(root, 'cache-dir');
    const file = await ensureOnnxFile(folder, 'encoder', { cacheDir, export: { quantization: 'int8' } });
    expect(file.startsWith(cacheDir)).toBe(true);
    expect(file.endsWith('encoder-int8.onnx')).toBe(true);
    expect(existsSync(join(folder, 'onnx'))).toBe(false);
    expect(exportFileName('maskedLM', { inputsEmbeds: true, maskedPositions: true })).toBe(
      'masked-lm-inputs-embeds-positions.onnx',
    );
    await expect(loadEncoder(folder, { engine: 'torch' as never })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(loadEncoder(join(root, 'absent'), { engine: 'onnx' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(ensureOnnxFile(folder, 'encoder', { fileName: 'absent.onnx' })).rejects.toThrow(
      /absent\.onnx/,
    );
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(ensureOnnxFile(empty, 'encoder')).rejects.toThrow(/model\.safetensors/);
  });
});
