/** One line of a text, without its line break, and its 1-based number. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/**
 * The one line splitter of `@icd/data`: text arrives in chunks (from a file stream or a whole string),
 * lines end at LF or CRLF (a CR at the end of a chunk waits for the next one), and a byte-order mark at
 * the very start is dropped. The file readers of `@icd/data/node` and the string parsers of the main
 * entry both use it, so a line number means the same everywhere.
 */
export class LineSplitter {
  private rest = '';
  private line = 0;
  private started = false;

  /** Splits `chunk` (after what was left) and returns the lines it completed. */
  push(chunk: string): NumberedLine[] {
    let text = this.rest + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const lines: NumberedLine[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      lines.push({ text: text.slice(start, stop), line: ++this.line });
      start = end + 1;
    }
    this.rest = text.slice(start);
    return lines;
  }

  /** Ends the input; returns the last line when the text did not end with a line break. */
  finish(): NumberedLine[] {
    const rest = this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest;
    this.rest = '';
    return rest === '' ? [] : [{ text: rest, line: ++this.line }];
  }
}

/** Splits a whole text into numbered lines (see {@link LineSplitter}). */
export function splitLines(text: string): NumberedLine[] {
  const splitter = new LineSplitter();
  return [...splitter.push(text), ...splitter.finish()];
}
