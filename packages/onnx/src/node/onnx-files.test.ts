import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BertForMaskedLM } from '@icd/bert';
import { selectBackend } from '@icd/bert';
import { InvalidArgumentError } from '@icd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../export/export-onnx.js';
import { OnnxEncoder } from '../runtime/onnx-encoder.js';
import { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import {
  loadTinyMaskedLM,
  maxAbsDifference,
  referenceCases,
  withoutMetadata,
} from '../test-support/tiny-fixture.js';
import { exportOnnxFile, loadOnnxEncoder, loadOnnxMaskedLM, resolveOnnxFile } from './onnx-files.js';

let mlm: BertForMaskedLM;
let folder: string;
const [c] = referenceCases();
const input = { inputIds: c!.inputIds, attentionMask: c!.attentionMask, tokenTypeIds: c!.tokenTypeIds };

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = loadTinyMaskedLM();
  folder = mkdtempSync(join(tmpdir(), 'icd-onnx-'));
});
afterAll(() => {
  mlm.dispose();
  rmSync(folder, { recursive: true, force: true });
});

describe('@icd/onnx/node', () => {
  it('writes a masked LM with exportOnnxFile and loads the file or its folder', async () => {
    const file = join(folder, 'exported', 'model.onnx');
    const size = await exportOnnxFile(mlm, file);
    expect(size).toBeGreaterThan(50_000);
    expect(await resolveOnnxFile(join(folder, 'exported'))).toBe(file);
    const fromFolder = await loadOnnxMaskedLM(join(folder, 'exported'), { intraOpNumThreads: 1 });
    const { logits } = await fromFolder.predictMasked(input);
    expect(maxAbsDifference(logits.data, c!.logits)).toBeLessThan(1e-4);
    fromFolder.dispose();
    const fromFile = await loadOnnxEncoder(file);
    expect(
      maxAbsDifference((await fromFile.encode(input)).lastHiddenState.data, c!.lastHiddenState),
    ).toBeLessThan(1e-4);
    fromFile.dispose();
  });

  it('loads an optimum-style folder: model.onnx without metadata and config.json beside it', async () => {
    const optimum = join(folder, 'optimum');
    await exportOnnxFile(mlm.bert, join(optimum, 'model.onnx'));
    writeFileSync(join(optimum, 'model.onnx'), withoutMetadata(await exportOnnx(mlm.bert)));
    await expect(loadOnnxEncoder(optimum)).rejects.toThrow(/config\.json/);
    writeFileSync(join(optimum, 'config.json'), JSON.stringify(mlm.config.toJson()));
    const encoder = await loadOnnxEncoder(optimum);
    expect(
      maxAbsDifference((await encoder.encode(input)).lastHiddenState.data, c!.lastHiddenState),
    ).toBeLessThan(1e-4);
    encoder.dispose();
  });

  it('OnnxEncoder.load / OnnxMaskedLM.load take a file path or file: URL in Node', async () => {
    const file = join(folder, 'direct', 'model.onnx');
    await exportOnnxFile(mlm, file);
    const encoder = await OnnxEncoder.load(file);
    expect(
      maxAbsDifference((await encoder.encode(input)).lastHiddenState.data, c!.lastHiddenState),
    ).toBeLessThan(1e-4);
    encoder.dispose();
    const masked = await OnnxMaskedLM.load(pathToFileURL(file).href);
    expect(maxAbsDifference((await masked.predictMasked(input)).logits.data, c!.logits)).toBeLessThan(1e-4);
    masked.dispose();
    await expect(OnnxEncoder.load(join(folder, 'absent.onnx'))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(OnnxEncoder.load('')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects missing paths and empty file names', async () => {
    await expect(resolveOnnxFile(join(folder, 'nothing-here'))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(resolveOnnxFile(folder, 'absent.onnx')).rejects.toThrow(/absent\.onnx/);
    await expect(exportOnnxFile(mlm, '')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
