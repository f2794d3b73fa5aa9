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
  // Bytes after the last line feed so far, kept as chunks: a line longer than a chunk is joined once,
  // when its line feed arrives, not once per chunk.
  private pending: Uint8Array[] = [];
  /** Lines completed before `pending` starts (1-based line of its first byte). */
  private line = 1;

  constructor(private readonly file?: string) {}

  /** Decodes the complete lines of `chunk` (with what was pending) and returns their text. */
  push(chunk: Uint8Array): string {
    const lastLineFeed = chunk.lastIndexOf(LINE_FEED);
    if (lastLineFeed === -1) {
      if (chunk.length > 0) this.pending.push(chunk.slice());
      return '';
    }
    const head = chunk.subarray(0, lastLineFeed + 1);
    const complete = this.pending.length === 0 ? head : concat([...this.pending, head]);
    this.pending = lastLineFeed + 1 < chunk.length ? [chunk.slice(lastLineFeed + 1)] : [];
    const text = this.decode(complete);
    this.line += countLineFeeds(complete);
    return text;
  }

  /** Decodes what is left (the last line when the input did not end with a line break). */
  finish(): string {
    // Not streaming: a sequence cut off at the end of the input is an error, not held back.
    const text = this.decode(concat(this.pending), false);
    this.pending = [];
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

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
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
