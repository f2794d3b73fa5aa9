import { DataFormatError } from '@icd/core';

const LINE_FEED = 0x0a;

/**
 * Strict UTF-8 decoding for loaders: invalid bytes are a DataFormatError naming the file and line, never
 * silently U+FFFD. Bytes arrive in chunks; each chunk is decoded up to its last line feed (a line feed is
 * always a character boundary in UTF-8, so every complete line decodes on its own) and the rest waits for
 * the next chunk. A byte-order mark at the start is dropped.
 */
export class Utf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private pending: Uint8Array = new Uint8Array(0);
  /** Lines completed before `pending` starts (1-based line of its first byte). */
  private line = 1;

  constructor(private readonly file?: string) {}

  /** Decodes the complete lines of `chunk` (with what was pending) and returns their text. */
  push(chunk: Uint8Array): string {
    const bytes = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const lastLineFeed = bytes.lastIndexOf(LINE_FEED);
    if (lastLineFeed === -1) {
      this.pending = bytes;
      return '';
    }
    const complete = bytes.subarray(0, lastLineFeed + 1);
    this.pending = bytes.slice(lastLineFeed + 1);
    const text = this.decode(complete);
    this.line += countLineFeeds(complete);
    return text;
  }

  /** Decodes what is left (the last line when the input did not end with a line break). */
  finish(): string {
    // Not streaming: a sequence cut off at the end of the input is an error, not held back.
    const text = this.decode(this.pending, false);
    this.pending = new Uint8Array(0);
    return text;
  }

  private decode(bytes: Uint8Array, stream = true): string {
    try {
      // `stream: true` keeps the decoder's BOM state: only the first bytes of the input may be one.
      return this.decoder.decode(bytes, { stream });
    } catch (error) {
      const line = this.line + countLineFeeds(bytes.subarray(0, firstInvalidLine(bytes)));
      throw new DataFormatError({
        file: this.file,
        line,
        message: 'invalid UTF-8 (save the file as UTF-8, or convert it with iconv -f <encoding> -t utf-8)',
        cause: error,
      });
    }
  }
}

/** Decodes a whole file's bytes strictly (see {@link Utf8Decoder}); a string passes through. */
export function decodeUtf8(input: string | Uint8Array, file?: string): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const decoder = new Utf8Decoder(file);
  return decoder.push(input) + decoder.finish();
}

function concat(left: Uint8Array, right: Uint8Array): Uint8Array {
  const joined = new Uint8Array(left.length + right.length);
  joined.set(left);
  joined.set(right, left.length);
  return joined;
}

function countLineFeeds(bytes: Uint8Array): number {
  let count = 0;
  for (let index = bytes.indexOf(LINE_FEED); index !== -1; index = bytes.indexOf(LINE_FEED, index + 1))
    count++;
  return count;
}

/** The byte offset of the start of the first line that does not decode (run only after a failure). */
function firstInvalidLine(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  while (start < bytes.length) {
    const lineFeed = bytes.indexOf(LINE_FEED, start);
    const end = lineFeed === -1 ? bytes.length : lineFeed + 1;
    try {
      strict.decode(bytes.subarray(start, end));
    } catch {
      return start;
    }
    start = end;
  }
  return start;
}
