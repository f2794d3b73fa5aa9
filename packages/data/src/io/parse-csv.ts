import { DataFormatError } from '@icd/core';
import { decodeUtf8 } from './utf8.js';

/** One CSV record: its fields and the 1-based line on which it starts. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

const QUOTE = 34; // "
const COMMA = 44;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;

/**
 * An incremental RFC 4180 parser: fields separated by commas, records by CRLF or LF; a field in double
 * quotes may hold commas, line breaks and doubled quotes (`""` → `"`). A quote inside an unquoted field,
 * text after a closing quote, or a quoted field still open at the end of input is a DataFormatError with
 * the file and line, never a silently merged row. Feed chunks with `push`, then call `finish`.
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private state: 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted' = 'start';
  private line = 1;
  private recordLine = 1;
  private pendingCarriageReturn = false;
  private previousCode = -1;

  constructor(private readonly file: string | undefined) {}

  /** Parses `chunk` and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    for (let index = 0; index < chunk.length; index++) {
      const code = chunk.charCodeAt(index);
      const previousCode = this.previousCode;
      this.previousCode = code;
      if (this.pendingCarriageReturn) {
        this.pendingCarriageReturn = false;
        if (code === LINE_FEED) continue;
      }
      switch (this.state) {
        case 'quoted': {
          if (code === QUOTE) {
            this.state = 'quote-in-quoted';
            break;
          }
          // Copy the run up to the next quote as one slice; a CRLF inside it is one line break.
          let end = index;
          let previous = previousCode;
          for (; end < chunk.length; end++) {
            const inner = chunk.charCodeAt(end);
            if (inner === QUOTE) break;
            if (inner === CARRIAGE_RETURN || (inner === LINE_FEED && previous !== CARRIAGE_RETURN))
              this.line++;
            previous = inner;
          }
          this.field += chunk.slice(index, end);
          this.previousCode = previous;
          index = end - 1;
          break;
        }
        case 'quote-in-quoted':
          if (code === QUOTE) {
            this.field += '"';
            this.state = 'quoted';
          } else if (code === COMMA) this.endField();
          else if (code === LINE_FEED || code === CARRIAGE_RETURN) records.push(this.endRecord(code));
          else this.fail(`unexpected ${JSON.stringify(chunk[index])} after a closing quote`);
          break;
        default:
          if (code === COMMA) this.endField();
          else if (code === LINE_FEED || code === CARRIAGE_RETURN) {
            if (this.state === 'start' && this.fields.length === 0) this.countLineBreak(code);
            else records.push(this.endRecord(code));
            this.recordLine = this.line;
          } else if (code === QUOTE) {
            if (this.state === 'start') this.state = 'quoted';
            else this.fail('a double quote inside an unquoted field (quote the whole field and double it)');
          } else {
            // Copy the run of ordinary characters as one slice.
            let end = index + 1;
            for (; end < chunk.length; end++) {
              const inner = chunk.charCodeAt(end);
              if (inner === COMMA || inner === LINE_FEED || inner === CARRIAGE_RETURN || inner === QUOTE)
                break;
            }
            this.field += chunk.slice(index, end);
            this.previousCode = chunk.charCodeAt(end - 1);
            index = end - 1;
            this.state = 'unquoted';
          }
      }
    }
    return records;
  }

  /** Ends the input; returns the last record when the text did not end with a line break. */
  finish(): CsvRecord[] {
    if (this.state === 'quoted') this.fail('a quoted field is not closed before the end of the file');
    if (this.state === 'start' && this.fields.length === 0) return [];
    this.fields.push(this.field);
    const record = { fields: this.fields, line: this.recordLine };
    this.fields = [];
    this.field = '';
    this.state = 'start';
    return [record];
  }

  private countLineBreak(code: number): void {
    this.line++;
    if (code === CARRIAGE_RETURN) this.pendingCarriageReturn = true;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }

  private endRecord(code: number): CsvRecord {
    this.fields.push(this.field);
    const record = { fields: this.fields, line: this.recordLine };
    this.fields = [];
    this.field = '';
    this.state = 'start';
    this.countLineBreak(code);
    this.recordLine = this.line;
    return record;
  }

  private fail(message: string): never {
    throw new DataFormatError({ file: this.file, line: this.recordLine, message });
  }
}

/** Parses a whole CSV text or its UTF-8 bytes (decoded strictly, a byte-order mark dropped; see {@link CsvParser}). */
export function parseCsvText(input: string | Uint8Array, file?: string): CsvRecord[] {
  const parser = new CsvParser(file);
  const records = parser.push(decodeUtf8(input, file));
  records.push(...parser.finish());
  return records;
}
