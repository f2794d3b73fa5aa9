import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { disposeOutput } from '../model/bert-model.js';
import { BertForMaskedLM, BertModel } from '../node/node-models.js';
import { maxAbsDifference, parity, parityDirectory } from '../test-support/parity-fixture.js';
import { loadPretrainedParts } from './load-pretrained.js';

const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};
const scratch = mkdtempSync(join(tmpdir(), 'icd-bert-load-'));

/** A model folder holding the fixture config and one of the fixture weight files as model.safetensors. */
function folderWith(weights: string | null, extra: Record<string, string | Uint8Array> = {}): string {
  const directory = mkdtempSync(join(scratch, 'm-'));
  copyFileSync(join(parityDirectory, 'config.json'), join(directory, 'config.json'));
  if (weights) copyFileSync(join(parityDirectory, weights), join(directory, 'model.safetensors'));
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(directory, name), content);
  return directory;
}

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  try {
    await promise;
  } catch (error) {
    if (CheckpointError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a CheckpointError');
}

describe('fromPretrained checkpoint variants', () => {
  beforeAll(() => selectBackend({ backend: 'cpu' }));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('loads TF-era gamma/beta names, decoder weight+bias present, NSP head and position_ids extra', async () => {
    const parts = await loadPretrainedParts(folderWith('model-legacy.safetensors'), 'maskedLM');
    expect([...parts.unusedTensors].sort()).toEqual([
      'bert.embeddings.position_ids',
      'cls.seq_relationship.bias',
      'cls.seq_relationship.weight',
    ]);
    parts.dispose();
    const mlm = await BertForMaskedLM.fromPretrained(folderWith('model-legacy.safetensors'));
    const output = mlm.forwardMasked(input);
    expect(maxAbsDifference(output.logits, parity.logits)).toBeLessThan(1e-4);
    disposeOutput(output);
    mlm.dispose();
  });

  it('loads a BertModel checkpoint without the bert. prefix', async () => {
    const model = await BertModel.fromPretrained(folderWith('model-encoder-noprefix.safetensors'));
    expect(model.hasPooler).toBe(true);
    const output = model.forward(input);
    expect(maxAbsDifference(output.lastHiddenState, parity.lastHiddenState)).toBeLessThan(1e-4);
    expect(maxAbsDifference(output.poolerOutput!, parity.poolerOutput)).toBeLessThan(1e-4);
    disposeOutput(output);
    model.dispose();
  });

  it('loads F16 and BF16 weights (outputs close to the float32 reference)', async () => {
    // Rounding the weights to 11 (F16) or 8 (BF16) significant bits moves the outputs by ~1e-3 / ~1e-2.
    for (const [file, tolerance] of [
      ['model-f16.safetensors', 0.02],
      ['model-bf16.safetensors', 0.15],
    ] as const) {
      const mlm = await BertForMaskedLM.fromPretrained(folderWith(file));
      const output = mlm.forwardMasked(input);
      const difference = maxAbsDifference(output.logits, parity.logits);
      expect(difference).toBeLessThan(tolerance);
      expect(difference).toBeGreaterThan(0);
      disposeOutput(output);
      mlm.dispose();
    }
  });

  it('fails on a missing MLM head unless allowMissingWeights', async () => {
    const directory = folderWith('model-encoder-noprefix.safetensors');
    const error = await rejection(BertForMaskedLM.fromPretrained(directory));
    expect(error.message).toMatch(
      /lacks 5 weight\(s\) the model needs: cls.predictions.transform.dense.weight/,
    );
    const mlm = await BertForMaskedLM.fromPretrained(directory, { allowMissingWeights: true });
    expect(mlm.weights.get('cls.predictions.transform.LayerNorm.weight')?.dataSync()[0]).toBe(1);
    mlm.dispose();
  });

  it('refuses pickle, TF and empty folders, naming the file and how to convert', async () => {
    const pickle = await rejection(
      BertModel.fromPretrained(folderWith(null, { 'pytorch_model.bin': 'PK\u0003\u0004' })),
    );
    expect(pickle.file).toMatch(/pytorch_model.bin$/);
    expect(pickle.message).toMatch(/PyTorch pickle/);
    expect(pickle.message).toMatch(/save_pretrained\(dir, safe_serialization=True\)/);
    expect(pickle.message).toMatch(/from safetensors.torch import save_file/);
    expect(
      (await rejection(BertModel.fromPretrained(folderWith(null, { 'tf_model.h5': 'x' })))).message,
    ).toMatch(/from_tf=True/);
    expect((await rejection(BertModel.fromPretrained(folderWith(null)))).message).toMatch(
      /has no model.safetensors/,
    );
    expect((await rejection(BertModel.fromPretrained(join(scratch, 'absent')))).message).toMatch(
      /config.json: is missing/,
    );
  });

  it('rejects a config that does not match the weights, or an invalid config', async () => {
    const directory = folderWith('model.safetensors');
    const config = JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8'));
    writeFileSync(join(directory, 'config.json'), JSON.stringify({ ...config, intermediate_size: 40 }));
    const error = await rejection(BertModel.fromPretrained(directory));
    expect(error.tensor).toBe('bert.encoder.layer.0.intermediate.dense.weight');
    expect(error.message).toMatch(/has shape \[37, 32\] but config.json implies \[40, 32\]/);
    writeFileSync(join(directory, 'config.json'), JSON.stringify({ ...config, num_attention_heads: 5 }));
    expect((await rejection(BertModel.fromPretrained(directory))).message).toMatch(
      /config.json: is not a valid BERT config: .*divisor/,
    );
    writeFileSync(join(directory, 'config.json'), '{ nope');
    expect((await rejection(BertModel.fromPretrained(directory))).message).toMatch(
      /is not a valid BERT config/,
    );
  });

  it('loads a sharded checkpoint through model.safetensors.index.json', async () => {
    const directory = folderWith(null);
    copyFileSync(
      join(parityDirectory, 'model.safetensors'),
      join(directory, 'model-00001-of-00001.safetensors'),
    );
    writeFileSync(
      join(directory, 'model.safetensors.index.json'),
      JSON.stringify({
        weight_map: { 'bert.embeddings.word_embeddings.weight': 'model-00001-of-00001.safetensors' },
      }),
    );
    const model = await BertModel.fromPretrained(directory);
    const output = model.forward(input);
    expect(maxAbsDifference(output.lastHiddenState, parity.lastHiddenState)).toBeLessThan(1e-4);
    disposeOutput(output);
    model.dispose();
  });

  it('refuses a malformed index, a missing shard and shard paths outside the folder', async () => {
    const directory = folderWith(null);
    const index = join(directory, 'model.safetensors.index.json');
    const withShard = (shard: unknown) =>
      writeFileSync(
        index,
        JSON.stringify({ weight_map: { 'bert.embeddings.word_embeddings.weight': shard } }),
      );
    writeFileSync(index, '{ nope');
    const malformed = await rejection(BertModel.fromPretrained(directory));
    expect(malformed.file).toBe(index);
    expect(malformed.message).toMatch(/is not a valid safetensors index/);
    writeFileSync(index, JSON.stringify({ metadata: {} }));
    expect((await rejection(BertModel.fromPretrained(directory))).message).toMatch(/no "weight_map" object/);
    withShard('model-00001-of-00002.safetensors');
    const missing = await rejection(BertModel.fromPretrained(directory));
    expect(missing.file).toBe(join(directory, 'model-00001-of-00002.safetensors'));
    expect(missing.message).toMatch(/is listed in .*model.safetensors.index.json but missing/);
    for (const shard of ['../model.safetensors', 'sub/model.safetensors', 7, '']) {
      withShard(shard);
      expect((await rejection(BertModel.fromPretrained(directory))).message).toMatch(
        /expected a file name in the same folder/,
      );
    }
  });
});
