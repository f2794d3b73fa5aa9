import { DataFormatError } from '@icd/core';
import type { AddedToken } from './added-vocabulary.js';
import { createDecoder } from './decoders/create-decoder.js';
import { createModel } from './models/create-model.js';
import { createNormalizer } from './normalizers/create-normalizer.js';
import { createPostProcessor } from './post-processors/create-post-processor.js';
import { createPreTokenizer } from './pre-tokenizers/create-pre-tokenizer.js';
import type { TokenizerJson, TokenizerParts } from './tokenizer-parts.js';

const flags = ['special', 'normalized', 'lstrip', 'rstrip', 'single_word'] as const;

function readAddedTokens(value: unknown): AddedToken[] {
  if (value === undefined || value === null) return [];
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new DataFormatError({
      message: `tokenizer.json ${path} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
    });
  };
  if (!Array.isArray(value)) fail('added_tokens', 'an array', value);
  return (value as unknown[]).map((token, index) => {
    const path = `added_tokens[${index}]`;
    if (token === null || typeof token !== 'object' || Array.isArray(token))
      fail(path, 'an object with "id" and "content"', token);
    const entry = token as Record<string, unknown>;
    if (typeof entry.content !== 'string' || entry.content === '')
      fail(`${path}.content`, 'a non-empty string', entry.content);
    if (typeof entry.id !== 'number' || !Number.isSafeInteger(entry.id) || entry.id < 0)
      fail(`${path}.id`, 'a non-negative integer', entry.id);
    for (const flag of flags) {
      const flagValue = entry[flag];
      if (flagValue !== undefined && flagValue !== null && typeof flagValue !== 'boolean')
        fail(`${path}.${flag}`, 'a boolean', flagValue);
    }
    const special = (entry.special as boolean | null | undefined) ?? false;
    return {
      id: entry.id as number,
      content: entry.content as string,
      special,
      normalized: (entry.normalized as boolean | null | undefined) ?? !special,
      lstrip: (entry.lstrip as boolean | null | undefined) ?? false,
      rstrip: (entry.rstrip as boolean | null | undefined) ?? false,
      singleWord: (entry.single_word as boolean | null | undefined) ?? false,
    };
  });
}

function stage<T>(json: TokenizerJson, key: string, create: (value: never) => T): T | null {
  const value = (json as unknown as Record<string, unknown>)[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new DataFormatError({
      message: `tokenizer.json ${key} must be an object or null, got ${JSON.stringify(value)}`,
    });
  }
  return create(value as never);
}

/** Reads the stages of a `tokenizer.json` document (object or JSON text). */
export function partsFromJson(
  input: TokenizerJson | string | Uint8Array,
  specialTokens?: TokenizerParts['specialTokens'],
): TokenizerParts {
  let json: TokenizerJson;
  if (input instanceof Uint8Array) {
    try {
      input = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch (cause) {
      throw new DataFormatError({ message: 'tokenizer.json is not valid UTF-8', cause });
    }
  }
  if (typeof input === 'string') {
    try {
      // A leading BOM (kept by readFileSync(file, 'utf8')) is dropped, as the bytes path's decoder does.
      json = JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input) as TokenizerJson;
    } catch (cause) {
      throw new DataFormatError({ message: 'tokenizer.json is not valid JSON', cause });
    }
  } else json = input;
  if (
    json === null ||
    typeof json !== 'object' ||
    Array.isArray(json) ||
    json.model === null ||
    typeof json.model !== 'object'
  ) {
    throw new DataFormatError({ message: 'tokenizer.json must be an object with a "model" entry' });
  }
  const addedTokens = readAddedTokens(json.added_tokens);
  return {
    normalizer: stage(json, 'normalizer', createNormalizer),
    preTokenizer: stage(json, 'pre_tokenizer', createPreTokenizer),
    model: createModel(json.model),
    postProcessor: stage(json, 'post_processor', createPostProcessor),
    decoder: stage(json, 'decoder', createDecoder),
    addedTokens,
    specialTokens,
  };
}
