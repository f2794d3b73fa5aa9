import { CheckpointError, IcdError, invalidArgument } from '@icd/core';
import type { Tokenizer } from './tokenizer.js';
import { tokenizerFromFiles } from './tokenizer-from-files.js';

/**
 * Options of {@link fetchTokenizer}.
 *
 * @example
 * ```ts
 * const options: FetchTokenizerOptions = { fetch: (url) => fetch(url, { credentials: 'include' }) };
 * ```
 */
export interface FetchTokenizerOptions {
  /** The `fetch` to use (default: the global one). */
  readonly fetch?: (url: string) => Promise<Pick<Response, 'ok' | 'status' | 'arrayBuffer'>>;
}

/**
 * Loads a tokenizer from a model folder served over HTTP(S) (`<base>/tokenizer.json`, else
 * `<base>/vocab.txt`, with `<base>/tokenizer_config.json` when present): the browser counterpart of
 * `loadTokenizer(dir)`, with the rules of {@link tokenizerFromFiles}. A 404 means "not there"; any other
 * failure is a {@link CheckpointError} naming the URL.
 *
 * @example
 * ```ts
 * const tokenizer = await fetchTokenizer('https://example.org/models/bert-base-uncased/');
 * tokenizer.encode('Chest pain').tokens; // ['[CLS]', 'chest', 'pain', '[SEP]']
 * ```
 */
export async function fetchTokenizer(
  baseUrl: string | URL,
  options: FetchTokenizerOptions = {},
): Promise<Tokenizer> {
  if (typeof baseUrl !== 'string' && !(baseUrl instanceof URL))
    invalidArgument('fetchTokenizer', 'baseUrl', 'a URL of a model folder', baseUrl);
  const fetcher = options.fetch ?? globalThis.fetch;
  if (typeof fetcher !== 'function')
    invalidArgument('fetchTokenizer', 'options.fetch', 'a fetch function (none is global here)', fetcher);
  const base = String(baseUrl).replace(/\/*$/, '/');
  const get = async (name: string): Promise<Uint8Array | undefined> => {
    const url = `${base}${name}`;
    let response: Pick<Response, 'ok' | 'status' | 'arrayBuffer'>;
    try {
      response = await fetcher(url);
    } catch (cause) {
      throw new CheckpointError({
        file: url,
        message: `cannot be fetched (${(cause as Error).message})`,
        cause,
      });
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new CheckpointError({ file: url, message: `answered HTTP ${response.status}` });
    return new Uint8Array(await response.arrayBuffer());
  };
  const tokenizerConfig = await get('tokenizer_config.json');
  const tokenizerJson = await get('tokenizer.json');
  const vocab = tokenizerJson === undefined ? await get('vocab.txt') : undefined;
  if (tokenizerJson === undefined && vocab === undefined)
    throw new CheckpointError({ file: base, message: 'has neither tokenizer.json nor vocab.txt' });
  try {
    return tokenizerFromFiles({ tokenizerJson, vocab, tokenizerConfig });
  } catch (cause) {
    if (!IcdError.isInstance(cause)) throw cause;
    throw new CheckpointError({ file: base, message: (cause as Error).message, cause });
  }
}
