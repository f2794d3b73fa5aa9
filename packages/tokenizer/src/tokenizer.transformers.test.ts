import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';
import { hasShared, modelDir, readNotes, sharedDir } from './test-support/shared-corpus.js';
import type { Tokenizer } from './tokenizer.js';

// transformers.js (@huggingface/transformers) is the second reference: ids only (it has no offsets).
describe.skipIf(!hasShared)(`parity with transformers.js on CodiEsp (${sharedDir})`, () => {
  let tokenizer: Tokenizer;
  const english = hasShared ? readNotes('text_files_en') : [];
  const spanish = hasShared ? readNotes('text_files') : [];

  beforeAll(() => {
    tokenizer = loadTokenizer(modelDir);
  });

  it('transformers.js gives the same ids on every note; with truncation it drops the final [SEP] (we keep it)', async () => {
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = `${join(sharedDir, 'models')}/`;
    const transformers = await AutoTokenizer.from_pretrained('bert-base-uncased');
    const mismatched = [...english, ...spanish].filter((text) => {
      const expected = transformers.encode(text);
      const ids = tokenizer.encode(text).ids;
      return ids.length !== expected.length || ids.some((id, k) => id !== expected[k]);
    });
    expect(mismatched).toEqual([]);
    const text = english[0]!;
    const cut = transformers(text, { truncation: true, max_length: 16 });
    const theirs = Array.from(cut.input_ids.data as ArrayLike<bigint>, Number);
    const ours = tokenizer.encode(text, null, { maxLength: 16 }).ids;
    expect(ours.at(-1)).toBe(tokenizer.tokenToId('[SEP]'));
    expect(theirs.at(-1)).not.toBe(tokenizer.tokenToId('[SEP]'));
    expect(ours.slice(0, 15)).toEqual(theirs.slice(0, 15));
  });
});
