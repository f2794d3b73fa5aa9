import { readFileSync } from 'node:fs';
import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { WordPieceModel } from './models/wordpiece-model.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { Tokenizer } from './tokenizer.js';
import { tokenizerFromFiles } from './tokenizer-from-files.js';

// Hostile inputs found by an outside probe (issue 11): each gets a typed error naming the field, quickly,
// instead of aborting the process, hanging, or being silently wrong.
const text = readFileSync(new URL('../fixtures/uncased-tokenizer.json', import.meta.url), 'utf8');
const base = () => JSON.parse(text);
const tokenizer = Tokenizer.fromJSON(text);
const vocabText = `${Object.entries(base().model.vocab as Record<string, number>)
  .sort((a, b) => a[1] - b[1])
  .map(([token]) => token)
  .join('\n')}\n`;
const withSpecials = (specialTokens: Record<string, unknown>, typeId: unknown = 0) => ({
  ...base(),
  post_processor: {
    type: 'TemplateProcessing',
    single: [
      { SpecialToken: { id: Object.keys(specialTokens)[0], type_id: typeId } },
      { Sequence: { id: 'A', type_id: 0 } },
    ],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: specialTokens,
  },
});

describe('tokenizer.json ids', () => {
  it.each([
    ['2e8 (would allocate a dense array up to it)', 2e8],
    ['2**32 (would wrap to id 0 in an Int32Array)', 2 ** 32],
    ['-1', -1],
    ['1.5', 1.5],
    ['"7" (a string)', '7'],
    ['null', null],
  ])('a vocab id of %s is a DataFormatError naming the token', (_, id) => {
    const json = base();
    json.model.vocab.chest = id;
    expect(() => Tokenizer.fromJSON(json)).toThrow(DataFormatError);
    expect(() => Tokenizer.fromJSON(json)).toThrow(
      /model\.vocab\["chest"\] must be an integer in \[0, 322\]/,
    );
  });

  it('two tokens with one id, and the same checks in the WordPieceModel constructor', () => {
    const json = base();
    json.model.vocab.chest = json.model.vocab.pain;
    expect(() => Tokenizer.fromJSON(json)).toThrow(/an id no other token has/);
    expect(() => new WordPieceModel({ vocab: { '[UNK]': 0, a: 2e8 } })).toThrow(InvalidArgumentError);
    expect(() => new WordPieceModel({ vocab: { '[UNK]': 0, a: 0 } })).toThrow(/vocab\["a"\]/);
    expect(() => new WordPieceModel({ vocab: { a: 0 }, vocabSize: 2 ** 32 })).toThrow(/vocabSize/);
  });

  it('added tokens must agree with the model vocabulary or follow it', () => {
    const moved = base();
    moved.added_tokens[0].id = 7;
    expect(() => Tokenizer.fromJSON(moved)).toThrow(
      /added_tokens\[0\] "\[PAD\]" has id 7, but the model vocabulary gives it id 0/,
    );
    const far = base();
    far.added_tokens.push({ id: 2e8, content: '<far>', special: true });
    expect(() => Tokenizer.fromJSON(far)).toThrow(/its id must be in \[323, 323\]/);
    const next = base();
    next.added_tokens.push({ id: 323, content: '<next>', special: true });
    expect(Tokenizer.fromJSON(next).encode('a <next>').tokens).toEqual(['[CLS]', 'a', '<next>', '[SEP]']);
  });

  it.each([
    ['an object', {}],
    ['a string', 'abc'],
    ['an array of numbers', [42]],
    ['an entry with a string id', [{ id: '1', content: 'x' }]],
    ['an entry with an empty content', [{ id: 1, content: '' }]],
    ['an entry with special: "yes"', [{ id: 0, content: '[PAD]', special: 'yes' }]],
  ])('added_tokens as %s is a DataFormatError naming added_tokens', (_, addedTokens) => {
    expect(() => Tokenizer.fromJSON({ ...base(), added_tokens: addedTokens })).toThrow(DataFormatError);
    expect(() => Tokenizer.fromJSON({ ...base(), added_tokens: addedTokens })).toThrow(/added_tokens/);
  });
});

describe('post_processor special tokens', () => {
  it('names such as "constructor" and "__proto__" are ordinary names, as in the Rust binding', async () => {
    const { Tokenizer: Rust } = await import('tokenizers');
    // Not declared: refused (it used to resolve to Object.prototype.constructor).
    const undeclared = withSpecials({ '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] } });
    undeclared.post_processor.single[0].SpecialToken.id = 'constructor';
    expect(() => Tokenizer.fromJSON(undeclared)).toThrow(/special token "constructor" missing/);
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const json = JSON.parse(
        JSON.stringify(withSpecials({ x: 0 })).replace(
          '"x":0',
          `"${name}":{"id":"${name}","ids":[2],"tokens":["[CLS]"]}`,
        ),
      );
      json.post_processor.single[0].SpecialToken.id = name;
      const ours = Tokenizer.fromJSON(json);
      const rust = Rust.fromString(JSON.stringify(json));
      expect(ours.encode('chest pain').ids).toEqual((await rust.encode('chest pain')).getIds());
      // Written back as an own key, and read back the same.
      expect(Object.keys(ours.toJSON().post_processor!.special_tokens as object)).toEqual([name]);
      expect(Tokenizer.fromJSON(JSON.stringify(ours.toJSON())).encode('chest').ids).toEqual([
        2,
        ours.tokenToId('chest')!,
      ]);
    }
  });

  it.each([
    ['-7', -7],
    ['1e10', 1e10],
    ['"zero"', 'zero'],
    ['1.5', 1.5],
  ])('a special-token id of %s is a DataFormatError', (_, id) => {
    const json = withSpecials({ '[CLS]': { id: '[CLS]', ids: [id], tokens: ['[CLS]'] } });
    expect(() => Tokenizer.fromJSON(json)).toThrow(DataFormatError);
    expect(() => Tokenizer.fromJSON(json)).toThrow(/special_tokens\["\[CLS\]"\]/);
  });

  it.each([
    ['-7', -7],
    ['1e10', 1e10],
    ['"zero"', 'zero'],
  ])('a type_id of %s is a DataFormatError', (_, typeId) => {
    const json = withSpecials({ '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] } }, typeId);
    expect(() => Tokenizer.fromJSON(json)).toThrow(
      /single\[0\]\.SpecialToken\.type_id must be an integer in \[0, 2147483647\]/,
    );
  });

  it('ids beyond the vocabulary, mismatched tokens, and BertProcessing pairs are refused', () => {
    const beyond = withSpecials({ '[CLS]': { id: '[CLS]', ids: [5000], tokens: ['[CLS]'] } });
    expect(() => Tokenizer.fromJSON(beyond)).toThrow(
      /has id 5000, which is not an id of the vocabulary \(323 ids\)/,
    );
    const mismatched = withSpecials({ '[CLS]': { id: '[CLS]', ids: [2, 3], tokens: ['[CLS]'] } });
    expect(() => Tokenizer.fromJSON(mismatched)).toThrow(/tokens must be an array of 2 strings/);
    for (const sep of [['[SEP]', -7], ['[SEP]', 1.5], ['[SEP]', 'zero'], ['[SEP]']]) {
      const json = { ...base(), post_processor: { type: 'BertProcessing', sep, cls: ['[CLS]', 2] } };
      expect(() => Tokenizer.fromJSON(json)).toThrow(
        /post_processor\.sep must be \[token, non-negative integer id\]/,
      );
    }
    const huge = {
      ...base(),
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', 1e10], cls: ['[CLS]', 2] },
    };
    expect(() => Tokenizer.fromJSON(huge)).toThrow(/not an id of the vocabulary/);
  });
});

describe('encode never loops or allocates without bound', () => {
  const long = 'chest pain fever cough '.repeat(200);

  it.each([
    [{ maxLength: 6, stride: 1 }, /less than 1, the window length 'longest_first'/],
    [{ maxLength: 512, stride: 300 }, /less than 254, the window length 'longest_first'/],
    [{ maxLength: 20, stride: 10, truncation: 'only_first' as const }, /'only_first'/],
  ])(
    'a pair with %j is refused (the window step would be <= 0; it used to loop forever)',
    (options, message) => {
      expect(() => tokenizer.encode(long, long, options)).toThrow(InvalidArgumentError);
      expect(() => tokenizer.encode(long, long, options)).toThrow(message);
    },
  );

  it('a stride below both windows still works (windows of 4 tokens each, 3 new per window)', () => {
    const short = 'chest pain fever cough '.repeat(5);
    const encoding = tokenizer.encode(short, short, { maxLength: 11, stride: 1 });
    expect(encoding.ids).toHaveLength(11);
    expect(encoding.overflowing.length).toBeGreaterThan(0);
  });

  it('maxLength or padToMultipleOf of 1e9 with padding is refused; truncation alone is fine', () => {
    expect(() => tokenizer.encode('a', null, { padding: 'max_length', maxLength: 1e9 })).toThrow(
      /'maxLength' passed to 'encode' must be at most 1048576/,
    );
    expect(() => tokenizer.encode('a', null, { padding: true, padToMultipleOf: 1e9 })).toThrow(
      /'padToMultipleOf' passed to 'encode' must be an integer in \[1, 1048576\]/,
    );
    expect(() => tokenizer.encode('a', null, { maxLength: 1e30 })).toThrow(/'maxLength'/);
    expect(tokenizer.encode('chest pain', null, { maxLength: 1e9 }).ids).toHaveLength(4);
    expect(tokenizer.encode('chest', null, { padding: true, padToMultipleOf: 8 }).ids).toHaveLength(8);
  });
});

describe('special-token names and settings', () => {
  it('null special tokens keep the defaults; other non-strings are refused', () => {
    const nulls = Tokenizer.fromJSON(text, { specialTokens: { pad: null, mask: null, cls: null } });
    expect(nulls.specialTokens).toEqual(tokenizer.specialTokens);
    expect(Tokenizer.fromJSON(text, { specialTokens: null }).specialTokens).toEqual(tokenizer.specialTokens);
    expect(() => Tokenizer.fromJSON(text, { specialTokens: { pad: 5 as unknown as string } })).toThrow(
      /'specialTokens\.pad' passed to 'Tokenizer' must be a non-empty string or null, got 5/,
    );
    expect(() => Tokenizer.fromVocab(vocabText, { specialTokens: { unk: '' } })).toThrow(
      InvalidArgumentError,
    );
    expect(Tokenizer.fromVocab(vocabText, { specialTokens: { unk: null } }).specialTokens.unk).toBe('[UNK]');
  });

  it('tokenizer_config.json: null values are defaults; wrong types are DataFormatErrors naming the field', () => {
    const nulls = tokenizerFromFiles({
      vocab: vocabText,
      tokenizerConfig: {
        do_lower_case: null,
        strip_accents: null,
        tokenize_chinese_chars: null,
        never_split: null,
        clean_up_tokenization_spaces: null,
        unk_token: null,
        mask_token: null,
      },
    });
    expect(nulls.encode('Chest Café').tokens).toEqual(['[CLS]', 'chest', 'cafe', '[SEP]']);
    expect(nulls.specialTokens).toEqual(tokenizer.specialTokens);
    const bad: [Record<string, unknown>, RegExp][] = [
      [
        { do_lower_case: 'no' },
        /tokenizer_config\.json: do_lower_case must be true, false or null, got "no"/,
      ],
      [{ never_split: 'abc' }, /never_split must be an array of non-empty strings or null, got "abc"/],
      [{ strip_accents: 0 }, /strip_accents/],
      [{ clean_up_tokenization_spaces: 'true' }, /clean_up_tokenization_spaces/],
      [{ mask_token: { content: 5 } }, /mask_token/],
      [{ unk_token: 7 }, /unk_token/],
    ];
    for (const [config, message] of bad) {
      expect(() => tokenizerFromFiles({ vocab: vocabText, tokenizerConfig: config })).toThrow(
        DataFormatError,
      );
      expect(() => tokenizerFromFiles({ tokenizerJson: text, tokenizerConfig: config })).toThrow(message);
    }
    expect(() => tokenizerFromFiles({ vocab: vocabText, tokenizerConfig: 'null' })).toThrow(
      /must be a JSON object/,
    );
    expect(() => tokenizerFromFiles({ vocab: vocabText, tokenizerConfig: '{' })).toThrow(/is not valid JSON/);
    expect(() => tokenizerFromFiles({ vocab: new Uint8Array([0xff, 0xfe]) })).toThrow(
      /vocab\.txt: is not valid UTF-8/,
    );
    expect(() => tokenizerFromFiles({})).toThrow(InvalidArgumentError);
  });

  it('programmatic settings are checked too: never_split "abc" and do_lower_case "no"', () => {
    expect(() => Tokenizer.fromVocab(vocabText, { neverSplit: 'abc' as unknown as string[] })).toThrow(
      /'neverSplit' passed to 'fromVocab' must be an array of non-empty strings/,
    );
    expect(() => Tokenizer.fromVocab(vocabText, { lowercase: 'no' as unknown as boolean })).toThrow(
      /'lowercase' passed to 'fromVocab' must be a boolean/,
    );
    expect(() => new BertNormalizer({ lowercase: 'no' as unknown as boolean })).toThrow(InvalidArgumentError);
    expect(() =>
      Tokenizer.fromJSON({ ...base(), normalizer: { type: 'BertNormalizer', lowercase: 'no' } }),
    ).toThrow(/lowercase/);
  });

  it('a vocab.txt of 130,000 lines loads (no spread of its ids onto the call stack)', () => {
    const lines = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
    for (let i = lines.length; i < 130_000; i++) lines.push(`t${i}`);
    const big = Tokenizer.fromVocab(`${lines.join('\n')}\n`, { neverSplit: ['<x>'] });
    expect(big.vocabSize).toBe(130_001);
    expect(big.encode('t129999 <x>').ids).toEqual([2, 129_999, 130_000, 3]);
  }, 30_000);
});

describe('decoder settings', () => {
  it('a WordPiece decoder prefix or cleanup of the wrong type is refused, not replaced by the default', () => {
    for (const decoder of [
      { type: 'WordPiece', prefix: 5 },
      { type: 'WordPiece', cleanup: 'yes' },
    ]) {
      expect(() => Tokenizer.fromJSON({ ...base(), decoder })).toThrow(InvalidArgumentError);
    }
    const glued = Tokenizer.fromJSON({
      ...base(),
      decoder: { type: 'WordPiece', prefix: null, cleanup: null },
    });
    expect(glued.decode(glued.encode('unaffable').ids, { skipSpecialTokens: true })).toBe('unaffable');
  });
});

describe('tokenizer.json text', () => {
  it('a leading BOM in the text is dropped as in the bytes (readFileSync(file, "utf8") keeps it)', () => {
    const fromText = Tokenizer.fromJSON(`\uFEFF${text}`);
    const fromBytes = Tokenizer.fromJSON(new TextEncoder().encode(`\uFEFF${text}`));
    expect(fromText.encode('chest pain').ids).toEqual(tokenizer.encode('chest pain').ids);
    expect(fromBytes.encode('chest pain').ids).toEqual(tokenizer.encode('chest pain').ids);
    expect(() => Tokenizer.fromJSON('\uFEFF')).toThrow(DataFormatError);
  });
});
