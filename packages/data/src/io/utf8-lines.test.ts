import { DataFormatError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { LineSplitter, splitLines } from './lines.js';
import { decodeUtf8, Utf8Decoder } from './utf8.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** Feeds `bytes` to a decoder and a splitter in chunks of `size` bytes, as a file stream would. */
function chunked(bytes: Uint8Array, size: number) {
  const decoder = new Utf8Decoder('f.txt');
  const splitter = new LineSplitter();
  const lines = [];
  for (let start = 0; start < bytes.length; start += size)
    lines.push(...splitter.push(decoder.push(bytes.subarray(start, start + size))));
  lines.push(...splitter.push(decoder.finish()), ...splitter.finish());
  return lines;
}

describe('Utf8Decoder and LineSplitter', () => {
  const text = '\uFEFFcafé ✓\r\nniño 😀\n\nlast';
  const expected = [
    { text: 'café ✓', line: 1 },
    { text: 'niño 😀', line: 2 },
    { text: '', line: 3 },
    { text: 'last', line: 4 },
  ];

  it.each([1, 2, 3, 5, 64])(
    'the same lines whatever the chunk size (%i bytes): BOM dropped, CRLF and LF',
    (size) => {
      expect(chunked(encode(text), size)).toEqual(expected);
    },
  );

  it('splitLines and decodeUtf8 on whole inputs', () => {
    expect(splitLines(text)).toEqual(expected);
    expect(decodeUtf8(encode(text))).toBe(text.slice(1));
    expect(splitLines('a\r\nb\r\n')).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
    ]);
    expect(splitLines('')).toEqual([]);
  });

  it('a line longer than many chunks', () => {
    const long = 'x'.repeat(10_000);
    expect(chunked(encode(`${long}\nend\n`), 7).map((line) => line.text.length)).toEqual([10_000, 3]);
  });

  it.each([
    ['a Latin-1 byte on line 2', Uint8Array.from([...encode('ok\ncaf'), 0xe9, ...encode('\nmore\n')]), 2],
    ['a lone continuation byte on line 3', Uint8Array.from([...encode('a\nb\n'), 0x80]), 3],
    ['a sequence cut by a line feed', Uint8Array.from([...encode('a\n'), 0xe2, 0x9c, 0x0a]), 2],
    ['a sequence cut by the end of the input', Uint8Array.from([...encode('a\nb\n'), 0xf0, 0x9f]), 3],
    ['an overlong encoding of "/"', Uint8Array.from([0xc0, 0xaf]), 1],
  ])('refuses %s with the file and line, in any chunking', (_, bytes, line) => {
    for (const size of [1, 2, 4, 1024]) {
      let caught: unknown;
      try {
        chunked(bytes, size);
      } catch (error) {
        caught = error;
      }
      expect(DataFormatError.isInstance(caught)).toBe(true);
      expect(caught).toMatchObject({ file: 'f.txt', line });
    }
  });
});
