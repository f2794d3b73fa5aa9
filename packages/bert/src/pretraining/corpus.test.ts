import { mkdir, mkdtemp, rm as removePath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { MockTokenizer } from '@icd/core/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSequences, shuffleBuffer } from './batch-sequences.js';
import { listCorpusFiles, splitCorpusFiles } from './corpus-files.js';
import { packSequences } from './pack-sequences.js';
import { RandomGenerator } from './random-generator.js';
import { readCorpusDocuments } from './read-corpus-documents.js';

// Every temp folder a test makes is removed once the file's tests are done.
const createdDirectories: string[] = [];
async function makeTempDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(prefix);
  createdDirectories.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(
    createdDirectories.map((directory) => removePath(directory, { recursive: true, force: true })),
  );
});

// MockTokenizer ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then the words from 5.
const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const tokenizer = new MockTokenizer(words);
const id = (word: string) => tokenizer.tokenToId(word)!;

let root = '';
beforeAll(async () => {
  root = await makeTempDirectory(join(tmpdir(), 'icd-corpus-'));
  await mkdir(join(root, 'nested'));
  await writeFile(join(root, 'one.txt'), 'a b c\nd e\n');
  await writeFile(join(root, 'nested', 'two.txt'), 'f g\n\nh a\nb\n\n\n');
  await writeFile(join(root, 'skip.tsv'), 'not a corpus file');
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('listCorpusFiles / splitCorpusFiles', () => {
  it('walks directories recursively, keeps the extensions asked for, sorts', async () => {
    const files = await listCorpusFiles([root]);
    expect(files).toEqual([join(root, 'nested', 'two.txt'), join(root, 'one.txt')]);
    expect(await listCorpusFiles([root], { extensions: ['.tsv'] })).toEqual([join(root, 'skip.tsv')]);
  });

  it('fails clearly on a missing path or an empty corpus', async () => {
    await expect(listCorpusFiles([join(root, 'missing')])).rejects.toThrow(DataFormatError);
    await expect(listCorpusFiles([root], { extensions: ['.md'] })).rejects.toThrow(/no corpus files/);
    await expect(listCorpusFiles([])).rejects.toThrow(InvalidArgumentError);
  });

  it('splits by file, stably, close to the asked fraction', () => {
    const files = Array.from({ length: 4000 }, (_, i) => `/corpus/S${i}.txt`);
    const { train, heldOut } = splitCorpusFiles(files, { heldOutFraction: 0.1, seed: 3 });
    expect(train.length + heldOut.length).toBe(4000);
    expect(new Set([...train, ...heldOut]).size).toBe(4000);
    expect(Math.abs(heldOut.length / 4000 - 0.1)).toBeLessThan(0.015);
    // Adding files never moves an existing one.
    const more = splitCorpusFiles([...files, '/corpus/new.txt'], { heldOutFraction: 0.1, seed: 3 });
    expect(more.heldOut.filter((file) => file !== '/corpus/new.txt')).toEqual(heldOut);
    expect(splitCorpusFiles(files, { heldOutFraction: 0.1, seed: 4 }).heldOut).not.toEqual(heldOut);
    expect(() => splitCorpusFiles(files, { heldOutFraction: 2 })).toThrow(InvalidArgumentError);
  });
});

describe('readCorpusDocuments', () => {
  it('reads one document per file, per line or per blank-line block, with line numbers', async () => {
    const files = [join(root, 'one.txt'), join(root, 'nested', 'two.txt')];
    const perFile = await collect(readCorpusDocuments(files));
    expect(perFile.map((d) => d.text)).toEqual(['a b c\nd e', 'f g\n\nh a\nb\n\n']);
    const perLine = await collect(readCorpusDocuments(files, { documentMode: 'line' }));
    expect(perLine.map((d) => [d.text, d.line])).toEqual([
      ['a b c', 1],
      ['d e', 2],
      ['f g', 1],
      ['h a', 3],
      ['b', 4],
    ]);
    const blocks = await collect(readCorpusDocuments(files, { documentMode: 'blank-line' }));
    expect(blocks.map((d) => [d.text, d.line])).toEqual([
      ['a b c\nd e', 1],
      ['f g', 1],
      ['h a\nb', 3],
    ]);
    await expect(collect(readCorpusDocuments(files, { documentMode: 'para' as never }))).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});

describe('packSequences', () => {
  it('packs documents separated by [SEP] into full windows [CLS] … [SEP], dropping the remainder', async () => {
    const sequences = await collect(packSequences(['a b c', 'd e', 'f g h a'], tokenizer, { maxLength: 6 }));
    // Stream: a b c [SEP] d e [SEP] f g h a [SEP] (12 tokens) → windows of 4.
    expect(sequences.map((s) => Array.from(s.inputIds))).toEqual([
      [2, id('a'), id('b'), id('c'), 3, 3],
      [2, id('d'), id('e'), 3, id('f'), 3],
      [2, id('g'), id('h'), id('a'), 3, 3],
    ]);
    expect(sequences.map((s) => Array.from(s.specialTokensMask))).toEqual([
      [1, 0, 0, 0, 1, 1],
      [1, 0, 0, 1, 0, 1],
      [1, 0, 0, 0, 1, 1],
    ]);
    // Word ids keep counting across documents so words of different notes stay distinct.
    expect(sequences.map((s) => Array.from(s.wordIds!))).toEqual([
      [-1, 0, 1, 2, -1, -1],
      [-1, 3, 4, -1, 5, -1],
      [-1, 6, 7, 8, -1, -1],
    ]);
    const kept = await collect(
      packSequences(['a b c', 'd'], tokenizer, { maxLength: 6, dropRemainder: false }),
    );
    expect(kept.map((s) => Array.from(s.inputIds))).toEqual([
      [2, id('a'), id('b'), id('c'), 3, 3],
      [2, id('d'), 3, 3],
    ]);
  });

  it('cuts one note per sequence into windows sharing `stride` tokens, or truncates', async () => {
    const text = 'a b c d e f g';
    const windows = await collect(
      packSequences([text], tokenizer, { maxLength: 6, mode: 'document', stride: 1 }),
    );
    expect(
      windows.map((s) =>
        Array.from(s.inputIds)
          .map((t) => tokenizer.idToToken(t))
          .join(' '),
      ),
    ).toEqual(['[CLS] a b c d [SEP]', '[CLS] d e f g [SEP]']);
    const truncated = await collect(
      packSequences([text, 'h'], tokenizer, { maxLength: 6, mode: 'document', truncate: true }),
    );
    expect(truncated.map((s) => s.inputIds.length)).toEqual([6, 3]);
    await expect(collect(packSequences([text], tokenizer, { maxLength: 2 }))).rejects.toThrow(
      "Argument 'maxLength' passed to 'packSequences' must be an integer >= 3, got 2",
    );
  });

  it('streams files of a corpus end to end and batches them', async () => {
    const files = await listCorpusFiles([root]);
    const sequences = packSequences(readCorpusDocuments(files), tokenizer, { maxLength: 4 });
    const batches = await collect(batchSequences(sequences, 2));
    // two.txt "f g h a b" + [SEP] and one.txt "a b c d e" + [SEP]: 12 tokens, 6 windows of 2.
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 2]);
    expect(
      batches.flat().every((s) => s.inputIds.length === 4 && s.inputIds[0] === 2 && s.inputIds[3] === 3),
    ).toBe(true);
  });
});

describe('shuffleBuffer', () => {
  it('yields a permutation, reproducibly for a seed', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const first = await collect(shuffleBuffer(items, 10, new RandomGenerator(5)));
    expect([...first].sort((x, y) => x - y)).toEqual(items);
    expect(first).not.toEqual(items);
    expect(await collect(shuffleBuffer(items, 10, new RandomGenerator(5)))).toEqual(first);
  });
});
