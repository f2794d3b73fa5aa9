import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModel, AutoModelForMaskedLM, env, Tensor } from '@huggingface/transformers';
import type { BertForMaskedLM } from '@icd/bert';
import { selectBackend } from '@icd/bert';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadTinyMaskedLM,
  maxAbsDifference,
  referenceCases,
  tinyCheckpoint,
} from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

// transformers.js reads `<model>/config.json` and `<model>/onnx/model.onnx` (its Hub layout) and feeds
// the HF input names: what `exportOnnx` writes must run there unchanged.
let root: string;
let mlm: BertForMaskedLM;
const int64 = (rows: number[][]) =>
  new Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [
    rows.length,
    (rows[0] as number[]).length,
  ]);

function modelFolder(name: string, bytes: Uint8Array): void {
  mkdirSync(join(root, name, 'onnx'), { recursive: true });
  copyFileSync(join(tinyCheckpoint, 'config.json'), join(root, name, 'config.json'));
  writeFileSync(join(root, name, 'onnx', 'model.onnx'), bytes);
}

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = loadTinyMaskedLM();
  root = mkdtempSync(join(tmpdir(), 'icd-onnx-transformers-js-'));
  env.allowRemoteModels = false;
  env.localModelPath = `${root}/`;
});
afterAll(() => {
  mlm.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('the exported files in transformers.js (@huggingface/transformers 4.3.1)', () => {
  it('AutoModelForMaskedLM and AutoModel run them; logits and hidden states equal PyTorch within 1e-4', async () => {
    modelFolder('masked-lm', await exportOnnx(mlm));
    modelFolder('encoder', await exportOnnx(mlm.bert));
    const masked = await AutoModelForMaskedLM.from_pretrained('masked-lm', {
      dtype: 'fp32',
      local_files_only: true,
    });
    const encoder = await AutoModel.from_pretrained('encoder', { dtype: 'fp32', local_files_only: true });
    for (const c of referenceCases()) {
      const feeds = {
        input_ids: int64(c.inputIds),
        attention_mask: int64(c.attentionMask),
        token_type_ids: int64(c.tokenTypeIds),
      };
      const { logits } = await masked(feeds);
      expect(logits.dims).toEqual([...c.shape, 61]);
      expect(maxAbsDifference(logits.data as Float32Array, c.logits)).toBeLessThan(1e-4);
      const { last_hidden_state: hidden } = await encoder(feeds);
      expect(maxAbsDifference(hidden.data as Float32Array, c.lastHiddenState)).toBeLessThan(1e-4);
    }
    await masked.dispose();
    await encoder.dispose();
  });
});
