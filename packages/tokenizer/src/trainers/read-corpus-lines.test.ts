import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError } from '@icd/core';
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

  it('reports invalid UTF-8 with its file and line instead of yielding U+FFFD, and drops a BOM', async () => {
    const bad = join(root, 'bad.bin');
    // Line 3 holds a lone 0xFF; line 1 a valid two-byte "é".
    writeFileSync(bad, new Uint8Array([0xc3, 0xa9, 0x0a, 0x61, 0x0a, 0x62, 0xff, 0x0a, 0x63]));
    let thrown: unknown;
    try {
      await collect(readCorpusLines(bad));
    } catch (error) {
      thrown = error;
    }
    expect(DataFormatError.isInstance(thrown)).toBe(true);
    expect((thrown as DataFormatError).file).toBe(bad);
    expect((thrown as DataFormatError).line).toBe(3);
    const truncated = join(root, 'truncated.bin');
    writeFileSync(truncated, new Uint8Array([0x61, 0x0a, 0xe2, 0x82]));
    await expect(collect(readCorpusLines(truncated))).rejects.toSatisfy(
      (error: unknown) => DataFormatError.isInstance(error) && error.line === 2,
    );
    const bom = join(root, 'bom.bin');
    writeFileSync(bom, '\uFEFFfirst\nsecond');
    expect(await collect(readCorpusLines(bom))).toEqual(['first', 'second']);
    await expect(collect(readCorpusLines(root, null as never))).rejects.toSatisfy(
      InvalidArgumentError.isInstance,
    );
  });
});
