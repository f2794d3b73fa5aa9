import type { EncodeOptions, Encoding } from '@icd/core';
import { MockTokenizer } from '@icd/core/test';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from './tokenizer.js';

// @icd/core's MockTokenizer promises HF's truncation, stride/overflow, pair and padding rules. The reference
// is this package's Tokenizer (itself checked against the Rust binding by the golden tests) over a vocabulary
// of whole words, where WordPiece and the mock's word split give the same tokens.
const words = ['chest', 'pain', 'fever', 'cough', 'acute', 'left', 'arm', ',', '.', 'no', 'history'];
const mock = new MockTokenizer(words);
const real = Tokenizer.fromVocab(`${['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words].join('\n')}\n`);

const texts = [
  'Chest pain, left arm pain. No history of fever.',
  'acute cough [MASK] fever , chest pain radiating to the left arm',
  'fever',
  '',
];
const optionSets: EncodeOptions[] = [
  {},
  { addSpecialTokens: false },
  { maxLength: 8 },
  { maxLength: 8, returnOverflowing: true },
  { maxLength: 9, stride: 2 },
  { maxLength: 12, stride: 1, truncation: 'longest_first' },
  { maxLength: 10, stride: 2, truncation: 'only_first' },
  { maxLength: 10, stride: 1, truncation: 'only_second' },
  { maxLength: 7, stride: 1, addSpecialTokens: false, padding: 'max_length' },
  { maxLength: 16, padding: 'max_length', paddingSide: 'left' },
  { padding: true, padToMultipleOf: 8 },
  { maxLength: 20, truncation: false, padding: 'max_length' },
];

function plain(encoding: Encoding): unknown {
  return {
    ids: [...encoding.ids],
    tokens: [...encoding.tokens],
    offsets: encoding.offsets.map(([start, end]) => [start, end]),
    typeIds: [...encoding.typeIds],
    attentionMask: [...encoding.attentionMask],
    specialTokensMask: [...encoding.specialTokensMask],
    wordIds: [...encoding.wordIds],
    sequenceIds: [...encoding.sequenceIds],
    overflowing: encoding.overflowing.map(plain),
  };
}

function outcome(run: () => Encoding | Encoding[]): unknown {
  try {
    const result = run();
    return Array.isArray(result) ? result.map(plain) : plain(result);
  } catch (error) {
    return { error: (error as Error).name };
  }
}

describe('MockTokenizer follows HF encode rules (reference: Tokenizer)', () => {
  it.each(optionSets.map((options) => [JSON.stringify(options), options] as const))('%s', (_, options) => {
    for (const text of texts) {
      expect(outcome(() => mock.encode(text, null, options))).toEqual(
        outcome(() => real.encode(text, null, options)),
      );
      for (const pair of texts) {
        expect(outcome(() => mock.encode(text, pair, options))).toEqual(
          outcome(() => real.encode(text, pair, options)),
        );
      }
    }
    const batch: (string | [string, string])[] = [texts[0]!, [texts[1]!, texts[2]!], texts[2]!];
    expect(outcome(() => mock.encodeBatch(batch, { ...options, padding: options.padding ?? true }))).toEqual(
      outcome(() => real.encodeBatch(batch, { ...options, padding: options.padding ?? true })),
    );
  });

  it('refuses what Tokenizer refuses: impossible strides, only_second without a pair', () => {
    const long = 'chest pain fever cough '.repeat(200);
    for (const options of [
      { maxLength: 6, stride: 1 },
      { maxLength: 512, stride: 300 },
      { maxLength: 4, stride: 2 },
    ]) {
      expect(outcome(() => mock.encode(long, long, options))).toEqual({ error: 'InvalidArgumentError' });
      expect(outcome(() => real.encode(long, long, options))).toEqual({ error: 'InvalidArgumentError' });
    }
    expect(outcome(() => mock.encode(long, null, { maxLength: 5, truncation: 'only_second' }))).toEqual({
      error: 'InvalidArgumentError',
    });
  });
});
