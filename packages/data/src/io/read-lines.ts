import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One line of a text file, without its line break, and its 1-based number. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/** Streams the lines of a UTF-8 file (LF or CRLF), dropping a leading byte-order mark. */
export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
  const reader = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let line = 0;
  for await (const raw of reader) {
    line++;
    yield { text: line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw, line };
  }
}
