import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@icd/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../tokenizer.js';
import { tokenizerFromFiles } from '../tokenizer-from-files.js';
import { cleanUpTokenization } from './clean-up-tokenization.js';

// Reference: transformers.js (`@huggingface/transformers`), built in memory from the same tokenizer.json and
// tokenizer_config.json, decodes as Python transformers does: the WordPiece decoder (per-token clean-up),
// then `clean_up_tokenization` over the whole text when `clean_up_tokenization_spaces` is on.
const json = readFileSync(new URL('../../fixtures/uncased-tokenizer.json', import.meta.url), 'utf8');
const texts = [
  "you should've done this",
  "The patient can't breathe; isn't it acute? I'm sure they're fine, it's ok .",
  "a ' b 'm 're 's n't do not ! ? . ,",
  'chest pain. [MASK] fever , cough !',
];

describe('decode clean_up_tokenization_spaces', () => {
  let transformers: typeof import('@huggingface/transformers');
  beforeAll(async () => {
    transformers = await import('@huggingface/transformers');
  });

  it.each([[{}], [{ clean_up_tokenization_spaces: true }], [{ clean_up_tokenization_spaces: false }]])(
    'follows tokenizer_config.json %j, with a decode option over it, as transformers.js',
    (config) => {
      const reference = new transformers.BertTokenizer(JSON.parse(json), config);
      const ours = tokenizerFromFiles({ tokenizerJson: json, tokenizerConfig: config });
      for (const text of texts) {
        const ids = [...ours.encode(text).ids];
        expect(ids).toEqual(reference.encode(text));
        for (const skipSpecialTokens of [false, true]) {
          expect(ours.decode(ids, { skipSpecialTokens })).toBe(
            reference.decode(ids, { skip_special_tokens: skipSpecialTokens }),
          );
          for (const cleanUpTokenizationSpaces of [false, true]) {
            expect(ours.decode(ids, { skipSpecialTokens, cleanUpTokenizationSpaces })).toBe(
              reference.decode(ids, {
                skip_special_tokens: skipSpecialTokens,
                clean_up_tokenization_spaces: cleanUpTokenizationSpaces,
              }),
            );
          }
        }
      }
    },
  );

  it('a bare tokenizer.json decodes as the Rust binding (no whole-text clean-up); fromVocab as BertTokenizer', async () => {
    const { Tokenizer: Rust } = await import('tokenizers');
    const rust = Rust.fromString(json);
    const bare = Tokenizer.fromJSON(json);
    expect(bare.cleanUpTokenizationSpaces).toBe(false);
    const ids = [...bare.encode(texts[0]!).ids];
    expect(bare.decode(ids)).toBe(await rust.decode(ids, false));
    expect(bare.decode(ids)).toBe("[CLS] you should ' ve done this [SEP]");
    expect(Tokenizer.fromJSON(json, { cleanUpTokenizationSpaces: true }).decode(ids)).toBe(
      "[CLS] you should've done this [SEP]",
    );
    expect(Tokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\n').cleanUpTokenizationSpaces).toBe(true);
    expect(() => bare.decode(ids, { cleanUpTokenizationSpaces: 'yes' as unknown as boolean })).toThrow(
      InvalidArgumentError,
    );
    expect(() => bare.decode(ids, { skipSpecialTokens: 1 as unknown as boolean })).toThrow(
      /skipSpecialTokens/,
    );
  });

  it('cleanUpTokenization is transformers clean_up_tokenization (hand-checked)', () => {
    expect(cleanUpTokenization("a ' b don ' t , x . y ? z ! i 'm we 're it 's 've can n't do not")).toBe(
      "a'b don't, x. y? z! i'm we're it's've cann't do not",
    );
  });
});
