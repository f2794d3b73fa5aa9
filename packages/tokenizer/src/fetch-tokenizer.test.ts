import { readFileSync } from 'node:fs';
import { CheckpointError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { fetchTokenizer } from './fetch-tokenizer.js';
import { Tokenizer } from './tokenizer.js';

const cased = readFileSync(new URL('../fixtures/cased-tokenizer.json', import.meta.url));

// A stand-in for a static file server: path → bytes (absent: 404).
function server(files: Record<string, Uint8Array | string | number>) {
  const requested: string[] = [];
  const fetch = async (url: string) => {
    requested.push(url);
    const body = files[new URL(url).pathname];
    if (typeof body === 'number')
      return { ok: false, status: body, arrayBuffer: async () => new ArrayBuffer(0) };
    if (body === undefined) return { ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) };
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return { ok: true, status: 200, arrayBuffer: async () => bytes.slice().buffer };
  };
  return { fetch, requested };
}

describe('fetchTokenizer', () => {
  it('reads tokenizer.json and tokenizer_config.json from a folder URL, as loadTokenizer reads a folder', async () => {
    const { fetch, requested } = server({
      '/m/tokenizer.json': cased,
      '/m/tokenizer_config.json': '{"clean_up_tokenization_spaces": true}',
    });
    const tokenizer = await fetchTokenizer('https://example.org/m', { fetch });
    expect(tokenizer.encode('Chest').ids).toEqual(Tokenizer.fromJSON(cased).encode('Chest').ids);
    expect(tokenizer.cleanUpTokenizationSpaces).toBe(true);
    expect(requested).toEqual([
      'https://example.org/m/tokenizer_config.json',
      'https://example.org/m/tokenizer.json',
    ]);
  });

  it('falls back to vocab.txt; names the URL on failures', async () => {
    const vocab = server({ '/v/vocab.txt': '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nchest\n' });
    expect((await fetchTokenizer('https://example.org/v/', vocab)).encode('Chest').tokens).toEqual([
      '[CLS]',
      'chest',
      '[SEP]',
    ]);
    await expect(fetchTokenizer('https://example.org/none', server({}))).rejects.toThrow(
      'https://example.org/none/: has neither tokenizer.json nor vocab.txt',
    );
    await expect(
      fetchTokenizer('https://example.org/e', server({ '/e/tokenizer.json': 500 })),
    ).rejects.toThrow(CheckpointError);
    const broken = server({ '/b/tokenizer.json': '{"model": {"type": "WordPiece", "vocab": {"a": 2e8}}}' });
    await expect(fetchTokenizer('https://example.org/b', broken)).rejects.toThrow(/model\.vocab\["a"\]/);
    const offline = { fetch: async () => Promise.reject(new Error('offline')) };
    await expect(fetchTokenizer('https://example.org/o', offline)).rejects.toThrow(
      /cannot be fetched \(offline\)/,
    );
  });
});
