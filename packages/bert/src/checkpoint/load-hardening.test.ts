import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertForMaskedLM as BrowserBertForMaskedLM } from '../model/bert-for-masked-lm.js';
import { BertModel as BrowserBertModel, disposeOutput } from '../model/bert-model.js';
import { BertForMaskedLM, BertModel } from '../node/node-models.js';
import { serializeSafetensors } from '../safetensors/write-safetensors.js';
import { createTinyBert } from '../test/create-tiny-bert.js';
import { maxAbsDifference, parity, parityDirectory } from '../test-support/parity-fixture.js';

const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};
const parityConfig = JSON.parse(readFileSync(join(parityDirectory, 'config.json'), 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'icd-bert-hardening-'));

/** A model folder: the parity config with `overrides`, and one fixture weight file as model.safetensors. */
function folder(weights: string, overrides: Record<string, unknown> = {}): string {
  const directory = mkdtempSync(join(scratch, 'm-'));
  writeFileSync(join(directory, 'config.json'), JSON.stringify({ ...parityConfig, ...overrides }));
  copyFileSync(join(parityDirectory, weights), join(directory, 'model.safetensors'));
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

describe('loading refuses configs the files do not hold, before allocating', () => {
  beforeAll(() => selectBackend({ backend: 'cpu' }));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('num_hidden_layers 1e7 fails fast (no parameter list of 1.6e8 entries), with or without allowMissingWeights', async () => {
    const directory = folder('model.safetensors', { num_hidden_layers: 1e7 });
    const started = Date.now();
    const strict = await rejection(BertModel.fromPretrained(directory));
    expect(strict.message).toMatch(/holds 2 encoder layers but config.json says num_hidden_layers 10000000/);
    const lenient = await rejection(BertModel.fromPretrained(directory, { allowMissingWeights: true }));
    expect(lenient.message).toMatch(/fresh values would outnumber the checkpoint's/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('hidden_size 1e9 or vocab_size 5e7 with allowMissingWeights: a shape error, not gigabytes', async () => {
    const before = tf.memory().numBytes;
    const wide = await rejection(
      BertModel.fromPretrained(folder('model.safetensors', { hidden_size: 1e9 }), {
        allowMissingWeights: true,
      }),
    );
    expect(wide.message).toMatch(/has shape \[99, 32\] but config.json implies \[99, 1000000000\]/);
    const vocabulary = await rejection(
      BertForMaskedLM.fromPretrained(folder('model-encoder-noprefix.safetensors', { vocab_size: 5e7 }), {
        allowMissingWeights: true,
      }),
    );
    // The missing head alone would be 5e7 fresh values: bounded by what the file holds.
    expect(vocabulary.message).toMatch(
      /lacks 5 weight\(s\) with 50001120 values in all, more than the checkpoint's own 19978/,
    );
    const withHead = await rejection(
      BertForMaskedLM.fromPretrained(folder('model.safetensors', { vocab_size: 5e7 }), {
        allowMissingWeights: true,
      }),
    );
    expect(withHead.message).toMatch(/has shape \[99, 32\] but config.json implies \[50000000, 32\]/);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('a 2-layer checkpoint loaded with num_hidden_layers 1 is refused, not silently cut', async () => {
    const error = await rejection(
      BertModel.fromPretrained(folder('model.safetensors', { num_hidden_layers: 1 })),
    );
    expect(error.tensor).toBe('bert.encoder.layer.1');
    expect(error.message).toMatch(
      /holds 2 encoder layers but config.json says num_hidden_layers 1; loading would drop layers 1-1/,
    );
  });

  it('an extra layer is added fresh only with allowMissingWeights, and the report names it', async () => {
    const directory = folder('model.safetensors', { num_hidden_layers: 3 });
    expect((await rejection(BertModel.fromPretrained(directory))).message).toMatch(/allowMissingWeights/);
    const model = await BertModel.fromPretrained(directory, { allowMissingWeights: true });
    expect(model.loadReport?.missingWeights).toHaveLength(16);
    expect(model.loadReport?.missingWeights[0]).toBe('bert.encoder.layer.2.attention.self.query.weight');
    model.dispose();
  });

  it('model.safetensors (or config.json) that is a folder gives a CheckpointError naming it', async () => {
    const directory = mkdtempSync(join(scratch, 'm-'));
    writeFileSync(join(directory, 'config.json'), JSON.stringify(parityConfig));
    mkdirSync(join(directory, 'model.safetensors'));
    const error = await rejection(BertModel.fromPretrained(directory));
    expect(error.file).toBe(join(directory, 'model.safetensors'));
    expect(error.message).toMatch(/is not a file \(a folder\?\)/);
    const configFolder = mkdtempSync(join(scratch, 'm-'));
    mkdirSync(join(configFolder, 'config.json'));
    expect((await rejection(BertModel.fromPretrained(configFolder))).message).toMatch(/is not a file/);
  });

  it('a BertModel checkpoint loaded as BertForMaskedLM reports its random head', async () => {
    const mlm = await BertForMaskedLM.fromPretrained(folder('model-encoder-noprefix.safetensors'), {
      allowMissingWeights: true,
    });
    expect(mlm.loadReport).toMatchObject({ target: 'maskedLM', randomHead: true, tiedDecoder: true });
    expect(mlm.loadReport?.missingWeights).toContain('cls.predictions.transform.dense.weight');
    mlm.dispose();
    const complete = await BertForMaskedLM.fromPretrained(parityDirectory);
    expect(complete.loadReport).toMatchObject({ randomHead: false, missingWeights: [], unusedTensors: [] });
    complete.dispose();
  });

  it('a decoder weight that differs from the tied word embeddings is refused, not ignored', async () => {
    const error = await rejection(BertForMaskedLM.fromPretrained(folder('model-untied.safetensors')));
    expect(error.tensor).toBe('cls.predictions.decoder.weight');
    expect(error.message).toMatch(/"tie_word_embeddings": false/);
    // The encoder alone does not use the decoder: loading it as BertModel is fine.
    const encoder = await BertModel.fromPretrained(folder('model-untied.safetensors'));
    encoder.dispose();
  });
});

describe('main entry: bytes in, bytes out (no file system)', () => {
  beforeAll(() => selectBackend({ backend: 'wasm' }));

  it('fromSafetensors(bytes, config.json object) matches PyTorch; toPretrainedFiles round-trips', async () => {
    const bytes = new Uint8Array(readFileSync(join(parityDirectory, 'model.safetensors')));
    const mlm = await BrowserBertForMaskedLM.fromSafetensors(bytes, parityConfig);
    const output = mlm.forwardMasked(input);
    expect(maxAbsDifference(output.logits, parity.logits)).toBeLessThan(1e-4);
    disposeOutput(output);
    const files = await mlm.toPretrainedFiles();
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors']);
    mlm.dispose();
    const encoder = await BrowserBertModel.fromSafetensors(
      files['model.safetensors'] as Uint8Array,
      JSON.parse(files['config.json'] as string),
    );
    expect(encoder.loadReport?.source).toBe('model.safetensors');
    const again = encoder.forward(input);
    expect(maxAbsDifference(again.lastHiddenState, parity.lastHiddenState)).toBeLessThan(1e-4);
    disposeOutput(again);
    encoder.dispose();
    await expect(BrowserBertModel.fromSafetensors([], parityConfig)).rejects.toThrow(/safetensors bytes/);
    // An ArrayBuffer (what fetch gives) is taken as well.
    const fromBuffer = await BrowserBertModel.fromSafetensors(bytes.slice().buffer, parityConfig);
    expect(fromBuffer.loadReport?.missingWeights).toEqual([]);
    fromBuffer.dispose();
  });
});

describe('two tensors for one weight', () => {
  beforeAll(() => selectBackend({ backend: 'cpu' }));

  it('loads when they hold the same values and refuses, naming both, when they differ', async () => {
    const tiny = createTinyBert();
    const config = tiny.config.toJSON();
    const tensors = [...tiny.bert.weights].map(([name, variable]) => {
      // Linear weights are stored [in, out]; the file layout is PyTorch's [out, in].
      const isLinear =
        name.endsWith('.weight') && variable.shape.length === 2 && !name.includes('embeddings');
      const data = (isLinear ? tf.tidy(() => tf.transpose(variable)) : variable).dataSync() as Float32Array;
      const shape = isLinear ? [variable.shape[1]!, variable.shape[0]!] : [...variable.shape];
      return { name: `bert.${name}`, shape, data: new Float32Array(data) };
    });
    tiny.dispose();
    const query = tensors.find((t) => t.name === 'bert.encoder.layer.0.attention.self.query.weight')!;
    const before = tf.memory().numTensors;
    const same = serializeSafetensors([
      ...tensors,
      { ...query, name: 'encoder.layer.0.attention.self.query.weight' },
    ]);
    const model = await BrowserBertModel.fromSafetensors(same, config);
    model.dispose();
    const other = {
      ...query,
      name: 'encoder.layer.0.attention.self.query.weight',
      data: query.data.map((v) => v + 1),
    };
    const error = await rejection(
      BrowserBertModel.fromSafetensors(serializeSafetensors([...tensors, other]), config),
    );
    expect(error.tensor).toBe('encoder.layer.0.attention.self.query.weight');
    expect(error.message).toContain("'bert.encoder.layer.0.attention.self.query.weight'");
    expect(tf.memory().numTensors).toBe(before);
  });
});
