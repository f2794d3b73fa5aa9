import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readCorpusLines } from './read-corpus-lines.js';

const root = mkdtempSync(join(tmpdir(), 'icd-tokenizer-corpus-lines-'));
mkdirSync(join(root, 'sub'));
writeFileSync(join(root, 'b.txt'), 'b1\r\nb2\n');
writeFileSync(join(root, 'a.txt'), 'a1\na2');
writeFileSync(join(root, 'notes.csv'), 'skipped\n');
writeFileSync(join(root, 'sub', 'c.txt'), 'c1\n\nc3\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

describe('readCorpusLines', () => {
  it('streams the lines of a directory in sorted path order, recursively, .txt only', async () => {
    expect(await collect(readCorpusLines(root))).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', '', 'c3']);
  });

  it('honours recursive, extensions and lists of paths', async () => {
    expect(await collect(readCorpusLines(root, { recursive: false }))).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(await collect(readCorpusLines(root, { extensions: ['.csv'] }))).toEqual(['skipped']);
    expect(await collect(readCorpusLines([join(root, 'sub', 'c.txt'), join(root, 'a.txt')]))).toEqual([
      'c1',
      '',
      'c3',
      'a1',
      'a2',
    ]);
  });

  it('rejects a missing path or a bad argument', async () => {
    await expect(collect(readCorpusLines(join(root, 'missing')))).rejects.toSatisfy(
      InvalidArgumentError.isInstance,
    );
    await expect(collect(readCorpusLines([]))).rejects.toSatisfy(InvalidArgumentError.isInstance);
    await expect(collect(readCorpusLines(root, { extensions: 'txt' as never }))).rejects.toSatisfy(
      InvalidArgumentError.isInstance,
    );
  });
});
