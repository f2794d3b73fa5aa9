import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@icd/bert';
import { createTinyBert, tinyBertWords } from '@icd/bert/test';
import { LabelAttention } from '@icd/heads';
import { HeadCoder, loadHeadCoder } from '@icd/heads/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEncoder } from '../runtime/onnx-encoder.js';
import { loadEncoder } from './load-model-folder.js';

let directory: string;
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  directory = await mkdtemp(join(tmpdir(), 'icd-onnx-head-coder-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("a saved @icd/heads coder on the ONNX engine (loadHeadCoder's encoder option)", () => {
  it('codes long notes (several windows) with the same scores as on tfjs', async () => {
    const mlm = createTinyBert();
    const head = new LabelAttention({
      labels: ['I21', 'J18', 'I50'],
      hiddenSize: 16,
      seed: 2,
      initializerRange: 0.5,
    });
    const coder = new HeadCoder({ encoder: mlm.bert, tokenizer: mlm.tokenizer!, head, windowLength: 8 });
    const folder = join(directory, 'coder');
    await coder.save(folder);
    const notes = [
      { id: 'a', text: Array.from({ length: 25 }, (_, i) => tinyBertWords[i % 16]).join(' ') },
      { id: 'b', text: tinyBertWords.slice(3, 7).join(' ') },
    ];
    const onTfjs = await loadHeadCoder(folder);
    const encoder = await loadEncoder(join(folder, 'encoder'), {
      engine: 'onnx',
      cacheDir: join(directory, 'cache'),
      intraOpNumThreads: 1,
    });
    expect(encoder).toBeInstanceOf(OnnxEncoder);
    const onOnnx = await loadHeadCoder(folder, { encoder });
    const [fromTfjs, fromOnnx] = [await onTfjs.predict(notes), await onOnnx.predict(notes)];
    fromTfjs.forEach((prediction, n) => {
      const scores = Object.fromEntries(fromOnnx[n]!.ranked.map((c) => [c.code, c.score]));
      for (const code of prediction.ranked)
        expect(Math.abs(scores[code.code]! - code.score)).toBeLessThan(1e-4);
    });
    onTfjs.dispose();
    onOnnx.dispose();
    mlm.dispose();
    coder.dispose();
  });
});
