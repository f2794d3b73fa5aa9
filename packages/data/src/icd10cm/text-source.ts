import { decodeUtf8, Utf8Decoder } from '../io/utf8.js';
/**
 * Text in any shape a browser or Node.js hands over: a string, UTF-8 bytes, a WHATWG `ReadableStream`
 * of bytes or strings (`fetch(...).body`, `Blob.stream()`), or any async iterable of chunks (a Node.js
 * `fs.ReadStream`).
 *
 * @example
 * ```ts
 * const source: TextSource = (await fetch('/icd10cm-tabular-2021.xml')).body!;
 * ```
 */
export type TextSource =
  | string
  | Uint8Array
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>;

/** Decodes a {@link TextSource} chunk by chunk (UTF-8, byte-order mark dropped) without joining it. */
export async function* textChunks(source: TextSource, file?: string): AsyncGenerator<string> {
  // Bytes go through the line-counting decoder, so invalid UTF-8 is a DataFormatError with its line.
  const decoder = new Utf8Decoder(file);
  let first = true;
  const text = (chunk: Uint8Array | string): string => {
    let out = typeof chunk === 'string' ? chunk : decoder.push(chunk);
    if (first && out.length > 0) {
      first = false;
      if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
    }
    return out;
  };
  if (typeof source === 'string' || source instanceof Uint8Array) {
    yield text(source);
  } else if (isReadableStream(source)) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield text(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of source) yield text(chunk);
  }
  const rest = decoder.finish();
  if (rest.length > 0) yield first && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest;
}

/** Decodes a string or UTF-8 bytes to a string, dropping a byte-order mark. */
export function textOf(source: string | Uint8Array, file?: string): string {
  return decodeUtf8(source, file);
}

function isReadableStream(source: unknown): source is ReadableStream<Uint8Array | string> {
  return typeof (source as { getReader?: unknown }).getReader === 'function';
}
