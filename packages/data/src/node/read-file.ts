import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { DataFormatError } from '@icd/core';
import { LineSplitter, type NumberedLine } from '../io/lines.js';
import { CsvParser, type CsvRecord } from '../io/parse-csv.js';
import { Utf8Decoder } from '../io/utf8.js';

const REASONS: Record<string, string> = {
  ENOENT: 'not found',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'is not a folder (or a part of the path is a file)',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (operation not permitted)',
};

/**
 * Turns a file-system error (`ENOENT`, `EISDIR`, ...) into a DataFormatError naming the path, so every
 * loader fails the same readable way; other errors are rethrown unchanged.
 */
export function fileSystemError(error: unknown, path: string, what: 'file' | 'folder'): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason === undefined) throw error;
  throw new DataFormatError({ file: path, message: `the ${what} ${reason} (${code})`, cause: error });
}

/** Streams a file's bytes, with {@link fileSystemError}s for a missing file or a folder. */
export async function* readFileChunks(file: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) yield chunk as Buffer;
  } catch (error) {
    fileSystemError(error, file, 'file');
  }
}

/** Reads a whole text file, strictly as UTF-8 (a byte-order mark dropped). */
export async function readTextFile(file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    fileSystemError(error, file, 'file');
  }
  const decoder = new Utf8Decoder(file);
  return decoder.push(bytes) + decoder.finish();
}

/** Streams the lines of a UTF-8 file (LF or CRLF, a leading byte-order mark dropped) with their numbers. */
export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
  const decoder = new Utf8Decoder(file);
  const splitter = new LineSplitter();
  for await (const chunk of readFileChunks(file)) yield* splitter.push(decoder.push(chunk));
  yield* splitter.push(decoder.finish());
  yield* splitter.finish();
}

/** Streams the records of a CSV file, one chunk of the file in memory at a time. */
export async function* readCsvRecords(file: string): AsyncGenerator<CsvRecord> {
  const decoder = new Utf8Decoder(file);
  const parser = new CsvParser(file);
  for await (const chunk of readFileChunks(file)) yield* parser.push(decoder.push(chunk));
  yield* parser.push(decoder.finish());
  yield* parser.finish();
}

/** The names in a folder, with {@link fileSystemError}s for a missing folder or a file. */
export async function listFolder(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    fileSystemError(error, dir, 'folder');
  }
}
