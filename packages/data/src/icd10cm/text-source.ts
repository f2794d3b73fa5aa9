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
export async function* textChunks(source: TextSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  const decode = (chunk: Uint8Array | string, stream: boolean): string => {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream });
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  };
  if (typeof source === 'string' || source instanceof Uint8Array) {
    yield decode(source, false);
    return;
  }
  if (isReadableStream(source)) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield decode(value, true);
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of source) yield decode(chunk, true);
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

/** Decodes a string or UTF-8 bytes to a string, dropping a byte-order mark. */
export function textOf(source: string | Uint8Array): string {
  const text = typeof source === 'string' ? source : new TextDecoder('utf-8', { fatal: true }).decode(source);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isReadableStream(source: unknown): source is ReadableStream<Uint8Array | string> {
  return typeof (source as { getReader?: unknown }).getReader === 'function';
}
