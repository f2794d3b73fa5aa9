// Writes packages/bert/fixtures/icd-saved/: a tiny BertForMaskedLM saved by icd (`save(dir)`: config.json,
// model.safetensors, tokenizer files) and expected.json with icd's outputs on a fixed batch, for
// check-transformers-load.py to compare against Python (`transformers.BertForMaskedLM.from_pretrained`
// where installed, else a PyTorch restatement of HF's BERT reading the safetensors by hand).
//
//   node --conditions=@icd/source --import tsx packages/bert/scripts/make-icd-saved-fixture.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/backend/select-backend.js';
import { writePretrainedFiles } from '../src/checkpoint/save-pretrained.js';
import { disposeOutput } from '../src/model/bert-model.js';
import { createTinyBert } from '../src/test/create-tiny-bert.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'icd-saved');
await selectBackend({ backend: 'cpu' });
// gelu, a pooler-less MLM (as HF BertForMaskedLM), 3 layers, 4 heads: small, but every part of the model.
const model = createTinyBert({
  seed: 2026,
  hiddenSize: 24,
  numHiddenLayers: 3,
  numAttentionHeads: 4,
  intermediateSize: 40,
});
mkdirSync(out, { recursive: true });
await writePretrainedFiles(out, await model.toPretrainedFiles()); // what BertForMaskedLM#save (node) does
const tokenizer = model.tokenizer!;
const texts = [
  'the patient has acute chest pain',
  'chronic kidney disease and type diabetes mellitus , no fever .',
];
const encoded = texts.map((text) => tokenizer.encode(text).ids);
const length = Math.max(...encoded.map((ids) => ids.length));
const pad = tokenizer.tokenToId(tokenizer.specialTokens.pad) ?? 0;
const inputIds = encoded.map((ids) => [...ids, ...Array(length - ids.length).fill(pad)]);
const attentionMask = encoded.map((ids) => [...ids.map(() => 1), ...Array(length - ids.length).fill(0)]);
const tokenTypeIds = inputIds.map((row) => row.map(() => 0));
const output = model.forwardMasked({ inputIds, attentionMask, tokenTypeIds });
const tensor = (t: { shape: number[]; dataSync(): ArrayLike<number> }) => ({
  shape: t.shape,
  data: Array.from(t.dataSync()),
});
writeFileSync(
  join(out, 'expected.json'),
  `${JSON.stringify({
    source:
      'icd BertForMaskedLM.save + forwardMasked (packages/bert/scripts/make-icd-saved-fixture.ts), float32, tfjs cpu backend',
    texts,
    inputIds,
    attentionMask,
    tokenTypeIds,
    logits: tensor(output.logits),
    lastHiddenState: tensor(output.lastHiddenState),
  })}\n`,
);
disposeOutput(output);
model.dispose();
console.log(`wrote ${out}`);
