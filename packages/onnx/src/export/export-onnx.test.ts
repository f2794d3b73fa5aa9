import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BertForMaskedLM, selectBackend } from '@icd/bert';
import { IcdError } from '@icd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEncoder } from '../runtime/onnx-encoder.js';
import { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import { exportVariant, fixtureVariants } from '../test-support/fixture-variants.js';
import { loadTinyMaskedLM, maxAbsDifference, referenceCases } from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

// Reference: fixtures/tiny/expected.json, HF's BERT equations in PyTorch float64 (scripts/make-reference.py).
const tolerance = 1e-4;
const cases = referenceCases();
let mlm: BertForMaskedLM;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = loadTinyMaskedLM();
});
afterAll(() => mlm.dispose());

const inputOf = (c: (typeof cases)[number]) => ({
  inputIds: c.inputIds,
  attentionMask: c.attentionMask,
  tokenTypeIds: c.tokenTypeIds,
});

describe('exportOnnx (float32) against PyTorch and tfjs', () => {
  it('encoder: last_hidden_state and pooler_output on padded batches 1×5, 3×9, 2×24', async () => {
    const encoder = await OnnxEncoder.load(await exportOnnx(mlm.bert), { intraOpNumThreads: 1 });
    expect(encoder.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(encoder.outputNames).toEqual(['last_hidden_state', 'pooler_output']);
    for (const c of cases) {
      const onnx = await encoder.encode(inputOf(c));
      const tfjs = await mlm.bert.encode(inputOf(c));
      expect(onnx.lastHiddenState.shape).toEqual([...c.shape, 32]);
      expect(maxAbsDifference(onnx.lastHiddenState.data, c.lastHiddenState)).toBeLessThan(tolerance);
      expect(maxAbsDifference(onnx.poolerOutput!.data, c.poolerOutput)).toBeLessThan(tolerance);
      expect(maxAbsDifference(onnx.lastHiddenState.data, tfjs.lastHiddenState.data)).toBeLessThan(tolerance);
      expect(maxAbsDifference(onnx.poolerOutput!.data, tfjs.poolerOutput!.data)).toBeLessThan(tolerance);
    }
    encoder.dispose();
  });

  it('masked LM: logits and the head transform at every position', async () => {
    const onnxModel = await OnnxMaskedLM.load(await exportOnnx(mlm));
    for (const c of cases) {
      const onnx = await onnxModel.predictMasked(inputOf(c));
      const tfjs = await mlm.predictMasked(inputOf(c));
      expect(onnx.logits.shape).toEqual([...c.shape, 61]);
      expect(maxAbsDifference(onnx.logits.data, c.logits)).toBeLessThan(tolerance);
      expect(maxAbsDifference(onnx.logits.data, tfjs.logits.data)).toBeLessThan(tolerance);
      expect(maxAbsDifference(onnx.lastHiddenState!.data, c.lastHiddenState)).toBeLessThan(tolerance);
      const encoded = await onnxModel.encode(inputOf(c));
      expect(maxAbsDifference(encoded.lastHiddenState.data, c.lastHiddenState)).toBeLessThan(tolerance);
    }
    onnxModel.dispose();
  });

  it('masked LM at chosen positions: logits and transformed_hidden_state there only', async () => {
    const onnxModel = await OnnxMaskedLM.load(await exportOnnx(mlm, { maskedPositions: true }));
    expect(onnxModel.inputNames).toContain('masked_positions');
    for (const c of cases) {
      const onnx = await onnxModel.predictAt(inputOf(c), c.positions);
      expect(onnx.logits.shape).toEqual([c.shape[0], 2, 61]);
      expect(onnx.transformedHiddenState.shape).toEqual([c.shape[0], 2, 32]);
      expect(maxAbsDifference(onnx.logits.data, c.positionLogits)).toBeLessThan(tolerance);
      expect(
        maxAbsDifference(onnx.transformedHiddenState.data, c.positionTransformedHiddenState),
      ).toBeLessThan(tolerance);
    }
    await expect(onnxModel.predictMasked(inputOf(cases[0]!))).rejects.toThrow(/predictAt/);
    await expect(onnxModel.predictAt(inputOf(cases[0]!), [[5]])).rejects.toThrow(/positions/);
    await expect(onnxModel.predictAt(inputOf(cases[1]!), [[1]])).rejects.toThrow(/one row of positions/);
    onnxModel.dispose();
  });

  it('inputs_embeds: embeddings in place of token ids', async () => {
    const encoder = await OnnxEncoder.load(await exportOnnx(mlm.bert, { inputsEmbeds: true }));
    expect(encoder.inputNames[0]).toBe('inputs_embeds');
    for (const c of cases) {
      const inputsEmbeds = { data: Float32Array.from(c.inputsEmbeds), shape: [...c.shape, 32] };
      const onnx = await encoder.encode({
        inputsEmbeds,
        attentionMask: c.attentionMask,
        tokenTypeIds: c.tokenTypeIds,
      });
      expect(maxAbsDifference(onnx.lastHiddenState.data, c.embedsLastHiddenState)).toBeLessThan(tolerance);
      expect(maxAbsDifference(onnx.poolerOutput!.data, c.embedsPoolerOutput)).toBeLessThan(tolerance);
    }
    await expect(encoder.encode(inputOf(cases[0]!))).rejects.toThrow(/inputsEmbeds/);
    encoder.dispose();
  });

  it("inputs_embeds masked LM at positions: the word-embedding rows of the ids give the ids' logits", async () => {
    const onnxModel = await OnnxMaskedLM.load(
      await exportOnnx(mlm, { inputsEmbeds: true, maskedPositions: true }),
    );
    const table = await mlm.weights.get('bert.embeddings.word_embeddings.weight')!.data();
    for (const c of cases) {
      const data = new Float32Array(c.shape[0] * c.shape[1] * 32);
      for (const [token, id] of c.inputIds.flat().entries()) {
        data.set(table.subarray(id * 32, (id + 1) * 32), token * 32);
      }
      const input = {
        inputsEmbeds: { data, shape: [...c.shape, 32] },
        attentionMask: c.attentionMask,
        tokenTypeIds: c.tokenTypeIds,
      };
      const onnx = await onnxModel.predictAt(input, c.positions);
      expect(maxAbsDifference(onnx.logits.data, c.positionLogits)).toBeLessThan(tolerance);
    }
    onnxModel.dispose();
  });
});

describe('exportOnnx with fusedOperators (com.microsoft Attention, SkipLayerNormalization)', () => {
  it('matches PyTorch within 1e-4 on onnxruntime-node and onnxruntime-web', async () => {
    const bytes = await exportOnnx(mlm.bert, { fusedOperators: true });
    for (const runtime of ['node', 'web'] as const) {
      const encoder = await OnnxEncoder.load(bytes, { runtime });
      for (const c of cases) {
        const onnx = await encoder.encode(inputOf(c));
        expect(maxAbsDifference(onnx.lastHiddenState.data, c.lastHiddenState), runtime).toBeLessThan(
          tolerance,
        );
        expect(maxAbsDifference(onnx.poolerOutput!.data, c.poolerOutput), runtime).toBeLessThan(tolerance);
      }
      encoder.dispose();
    }
    await expect(exportOnnx(mlm, { fusedOperators: true, quantization: 'int8' })).rejects.toThrow(
      /fusedOperators/,
    );
  });
});

describe('the committed exports checked by onnx.checker', () => {
  const report = JSON.parse(
    readFileSync(new URL('../../fixtures/onnx/check.json', import.meta.url), 'utf8'),
  ) as {
    fullCheck: boolean;
    files: Record<
      string,
      { passed: boolean; sha256: string; opsets: Record<string, number>; head?: { headType: string } }
    >;
  };

  it('are byte for byte what the exporter writes now (else rerun scripts/export-fixtures.ts and check-onnx.py)', async () => {
    expect(report.fullCheck).toBe(true);
    for (const variant of fixtureVariants) {
      const bytes = await exportVariant(exportOnnx, variant.encoderOnly ? mlm.bert : mlm, variant);
      const entry = report.files[variant.file];
      expect(entry, variant.file).toBeDefined();
      expect(entry!.passed).toBe(true);
      expect(entry!.opsets).toEqual(
        variant.options.fusedOperators ? { 'ai.onnx': 17, 'com.microsoft': 1 } : { 'ai.onnx': 17 },
      );
      expect(createHash('sha256').update(bytes).digest('hex'), variant.file).toBe(entry!.sha256);
      // Head files: the checker also matched outputs and weights against the head's config.
      if (variant.head) expect(entry!.head, variant.file).toBeDefined();
    }
  });
});

describe("exportOnnx(model, file, options), the issue's form", () => {
  const checked = JSON.parse(
    readFileSync(new URL('../../fixtures/onnx/check.json', import.meta.url), 'utf8'),
  ) as { files: Record<string, { sha256: string }> };

  it('writes the file (parent folders created) with the options applied, and returns its bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'icd-onnx-export-'));
    try {
      const file = join(dir, 'nested', 'masked-lm-int8.onnx');
      const bytes = await exportOnnx(mlm, file, { quantization: 'int8' });
      const written = new Uint8Array(readFileSync(file));
      expect(written).toEqual(Uint8Array.from(bytes));
      // the int8 masked LM that scripts/check-onnx.py passed through onnx.checker, byte for byte
      expect(createHash('sha256').update(written).digest('hex')).toBe(
        checked.files['masked-lm-int8.onnx']!.sha256,
      );
      const encoderFile = join(dir, 'encoder.onnx');
      await exportOnnx(mlm.bert, encoderFile);
      const encoder = await OnnxEncoder.load(encoderFile, { intraOpNumThreads: 1 });
      const c = cases[1]!;
      const onnx = await encoder.encode(inputOf(c));
      expect(maxAbsDifference(onnx.lastHiddenState.data, c.lastHiddenState)).toBeLessThan(tolerance);
      encoder.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses options that are not an object, and an empty file name, with typed errors', async () => {
    for (const call of [
      () => exportOnnx(mlm, null as never),
      () => exportOnnx(mlm, 'x.onnx', 'int8' as never),
      () => exportOnnx(mlm, ''),
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(IcdError.isInstance(error), String(error)).toBe(true);
    }
  });
});
