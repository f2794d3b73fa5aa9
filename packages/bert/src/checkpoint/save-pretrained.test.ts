import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockTokenizer } from '@icd/core/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertConfig } from '../config/bert-config.js';
import { disposeOutput } from '../model/bert-model.js';
import { BertForMaskedLM, BertModel } from '../node/node-models.js';
import { SafetensorsFile } from '../safetensors/safetensors-file.js';
import { maxAbsDifference, parity, parityDirectory } from '../test-support/parity-fixture.js';

const scratch = mkdtempSync(join(tmpdir(), 'icd-bert-save-'));
const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};

describe('save', () => {
  beforeAll(() => selectBackend({ backend: 'cpu' }));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes the same tensors, names and PyTorch layouts as the HF-named fixture file', async () => {
    const mlm = await BertForMaskedLM.fromPretrained(parityDirectory);
    const directory = join(scratch, 'mlm');
    await mlm.save(directory);
    const written = new SafetensorsFile(readFileSync(join(directory, 'model.safetensors')), 'written');
    const original = new SafetensorsFile(
      readFileSync(join(parityDirectory, 'model.safetensors')),
      'original',
    );
    expect([...written.entries.keys()].sort()).toEqual([...original.entries.keys()].sort());
    expect(written.metadata).toEqual({ format: 'pt' });
    for (const [name, entry] of original.entries) {
      expect(written.entries.get(name)?.shape).toEqual(entry.shape);
      expect(written.readFloat32(name)).toEqual(original.readFloat32(name));
    }
    const config = JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      architectures: ['BertForMaskedLM'],
      model_type: 'bert',
      vocab_size: 99,
      hidden_act: 'gelu',
    });
    mlm.dispose();
  });

  it('round-trips a fresh model with tokenizer files (BertModel names carry no prefix)', async () => {
    const tokenizer = new MockTokenizer(['chest', 'pain', 'fever']);
    const config = new BertConfig({
      vocabSize: tokenizer.vocabSize,
      hiddenSize: 16,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 20,
      maxPositionEmbeddings: 16,
    });
    const model = new BertModel(config, { seed: 7, tokenizer });
    const directory = join(scratch, 'fresh');
    await model.save(directory);
    const written = new SafetensorsFile(readFileSync(join(directory, 'model.safetensors')), 'written');
    expect(written.entries.has('embeddings.word_embeddings.weight')).toBe(true);
    expect(written.entries.get('encoder.layer.0.intermediate.dense.weight')?.shape).toEqual([20, 16]);
    expect(readFileSync(join(directory, 'vocab.txt'), 'utf8')).toBe(
      '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nchest\npain\nfever\n',
    );
    expect(JSON.parse(readFileSync(join(directory, 'special_tokens_map.json'), 'utf8'))).toEqual({
      unk_token: '[UNK]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      cls_token: '[CLS]',
      mask_token: '[MASK]',
    });
    const loaded = await BertModel.fromPretrained(directory);
    const ids = { inputIds: [[2, 5, 6, 3, 0]], attentionMask: [[1, 1, 1, 1, 0]] };
    const before = model.forward(ids);
    const after = loaded.forward(ids);
    expect(
      maxAbsDifference(after.lastHiddenState, {
        shape: before.lastHiddenState.shape,
        data: Array.from(before.lastHiddenState.dataSync()),
      }),
    ).toBe(0);
    disposeOutput(before);
    disposeOutput(after);
    model.dispose();
    loaded.dispose();
  });

  it('a re-saved masked LM still matches PyTorch', async () => {
    const mlm = await BertForMaskedLM.fromPretrained(parityDirectory);
    const directory = join(scratch, 'again');
    await mlm.save(directory);
    mlm.dispose();
    const reloaded = await BertForMaskedLM.fromPretrained(directory);
    const output = reloaded.forwardMasked(input);
    expect(maxAbsDifference(output.logits, parity.logits)).toBeLessThan(1e-4);
    disposeOutput(output);
    reloaded.dispose();
  });
});
