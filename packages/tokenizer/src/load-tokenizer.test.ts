import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';
import { saveTokenizer } from './save-tokenizer.js';
import { temporaryFolders } from './test-support/temporary-folders.js';
import { Tokenizer } from './tokenizer.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const folder = temporaryFolders('load-tokenizer');
const vocabText = () =>
  `${Object.entries(
    JSON.parse(readFileSync(join(fixtures, 'cased-tokenizer.json'), 'utf8')).model.vocab as Record<
      string,
      number
    >,
  )
    .sort((a, b) => a[1] - b[1])
    .map(([token]) => token)
    .join('\n')}\n`;

describe('loadTokenizer', () => {
  it('reads tokenizer.json, with special-token names from tokenizer_config.json', () => {
    const dir = folder();
    copyFileSync(join(fixtures, 'cased-tokenizer.json'), join(dir, 'tokenizer.json'));
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ mask_token: { content: '[MASK]' }, pad_token: '[PAD]' }),
    );
    const tokenizer = loadTokenizer(dir);
    expect(tokenizer.encode('Chest Pain').tokens).toEqual([
      '[CLS]',
      'Chest',
      'P',
      '##a',
      '##i',
      '##n',
      '[SEP]',
    ]);
    expect(tokenizer.specialTokens.mask).toBe('[MASK]');
  });

  it('reads vocab.txt + tokenizer_config.json (do_lower_case, strip_accents) as BertTokenizerFast does', () => {
    const dir = folder();
    writeFileSync(join(dir, 'vocab.txt'), vocabText());
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ do_lower_case: false, never_split: ['<x>'] }),
    );
    const cased = loadTokenizer(dir);
    expect(cased.encode('Chest résumé <x>').tokens).toEqual(['[CLS]', 'Chest', 'résumé', '<x>', '[SEP]']);
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ do_lower_case: true, strip_accents: false }),
    );
    expect(loadTokenizer(dir).encode('Chest résumé').tokens).toEqual(['[CLS]', 'chest', 'résumé', '[SEP]']);
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
    expect(loadTokenizer(dir).encode('Chest RÉSUMÉ').tokens.slice(2, 4)).toEqual(['r', '##es']);
  });

  it('do_lower_case set in tokenizer_config.json wins over the tokenizer.json normalizer, as in transformers', () => {
    const dir = folder();
    copyFileSync(join(fixtures, 'cased-tokenizer.json'), join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
    expect(loadTokenizer(dir).encode('Chest').tokens).toEqual(['[CLS]', 'chest', '[SEP]']);
  });

  it('a cased tokenizer saved and reloaded stays cased (tokenizer_config.json carries do_lower_case)', () => {
    const cased = Tokenizer.fromJSON(readFileSync(join(fixtures, 'cased-tokenizer.json'), 'utf8'));
    const dir = join(folder(), 'model');
    const written = saveTokenizer(cased, dir);
    expect(written.map((file) => file.slice(dir.length + 1)).sort()).toEqual([
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'vocab.txt',
    ]);
    // What transformers' BertTokenizerFast reads: without these keys it would lower-case (its default).
    expect(JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'))).toMatchObject({
      do_lower_case: false,
      strip_accents: false,
      tokenize_chinese_chars: true,
      clean_up_tokenization_spaces: false,
      mask_token: '[MASK]',
    });
    const text = 'Chest Pain résumé [MASK]';
    const expected = cased.encode(text).tokens;
    expect(expected.slice(0, 2)).toEqual(['[CLS]', 'Chest']);
    expect(loadTokenizer(dir).encode(text).tokens).toEqual(expected);
    expect(loadTokenizer(dir).toJSON()).toEqual(cased.toJSON());
    rmSync(join(dir, 'tokenizer.json'));
    expect(loadTokenizer(dir).encode(text).tokens).toEqual(expected);
  });

  it('throws CheckpointError naming the file for a missing or malformed folder', () => {
    const dir = folder();
    expect(() => loadTokenizer(dir)).toThrow(CheckpointError);
    expect(() => loadTokenizer(dir)).toThrow(/neither tokenizer.json nor vocab.txt/);
    expect(() => loadTokenizer(join(dir, 'absent'))).toThrow(/neither tokenizer.json nor vocab.txt/);
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"type": "BPE"}}');
    expect(() => loadTokenizer(dir)).toThrow(/tokenizer.json: Model type "BPE" is not supported/);
    writeFileSync(join(dir, 'tokenizer.json'), '{not json');
    expect(() => loadTokenizer(dir)).toThrow(/tokenizer.json: tokenizer.json is not valid JSON/);
    copyFileSync(join(fixtures, 'cased-tokenizer.json'), join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'tokenizer_config.json'), '{"do_lower_case": "no"}');
    expect(() => loadTokenizer(dir)).toThrow(
      `${join(dir, 'tokenizer_config.json')}: do_lower_case must be true, false or null, got "no"`,
    );
    rmSync(join(dir, 'tokenizer_config.json'));
    rmSync(join(dir, 'tokenizer.json'));
    mkdirSync(join(dir, 'tokenizer.json'));
    expect(() => loadTokenizer(dir)).toThrow(`${join(dir, 'tokenizer.json')}: is not a file`);
    expect(() => loadTokenizer('')).toThrow(/Argument 'dir'/);
  });
});
