import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const folder = () => mkdtempSync(join(tmpdir(), 'icd-load-tokenizer-'));
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

  it('throws CheckpointError naming the file for a missing or malformed folder', () => {
    const dir = folder();
    expect(() => loadTokenizer(dir)).toThrow(CheckpointError);
    expect(() => loadTokenizer(dir)).toThrow(/neither tokenizer.json nor vocab.txt/);
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"type": "BPE"}}');
    expect(() => loadTokenizer(dir)).toThrow(/tokenizer.json: Model type "BPE" is not supported/);
    writeFileSync(join(dir, 'tokenizer.json'), '{not json');
    expect(() => loadTokenizer(dir)).toThrow(/tokenizer.json: tokenizer.json is not valid JSON/);
    expect(() => loadTokenizer('')).toThrow(/Argument 'dir'/);
  });
});
