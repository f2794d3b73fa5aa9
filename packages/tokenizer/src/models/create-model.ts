import { DataFormatError, invalidArgument, UnsupportedError } from '@icd/core';
import type { Model, ModelJson } from './model.js';
import { vocabularyIdProblem, WordPieceModel } from './wordpiece-model.js';

/**
 * Builds a model from its `tokenizer.json` form. Supported: `WordPiece`.
 *
 * @throws UnsupportedError for another `type`; DataFormatError for a malformed vocabulary.
 * @example
 * ```ts
 * createModel({ type: 'WordPiece', vocab: { '[UNK]': 0, a: 1 }, unk_token: '[UNK]' }).tokenToId('a'); // 1
 * ```
 */
export function createModel(json: ModelJson): Model {
  if (json === null || typeof json !== 'object') invalidArgument('createModel', 'json', 'an object', json);
  if (json.type !== 'WordPiece') {
    throw new UnsupportedError({
      feature: `model:${String(json.type)}`,
      message: `Model type ${JSON.stringify(json.type)} is not supported; @icd/tokenizer reads 'WordPiece'`,
    });
  }
  const vocab = json.vocab;
  if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) {
    throw new DataFormatError({
      message: `model.vocab must be an object of token to id, got ${typeof vocab}`,
    });
  }
  // Read own entries only: a token named "__proto__" or "constructor" is an ordinary token.
  const entries = new Map(Object.entries(vocab as Record<string, unknown>));
  const problem = vocabularyIdProblem(entries, entries.size);
  if (problem !== undefined) {
    throw new DataFormatError({
      message: `tokenizer.json model.vocab[${JSON.stringify(problem.token)}] must be ${problem.expected}, got ${JSON.stringify(problem.id) ?? String(problem.id)}`,
    });
  }
  const text = (key: string, fallback: string): string => {
    const value = json[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string') throw new DataFormatError({ message: `model.${key} must be a string` });
    return value;
  };
  const limit = json.max_input_chars_per_word;
  if (limit !== undefined && limit !== null && !(Number.isSafeInteger(limit) && (limit as number) >= 1)) {
    throw new DataFormatError({
      message: `tokenizer.json model.max_input_chars_per_word must be an integer >= 1, got ${JSON.stringify(limit)}`,
    });
  }
  return new WordPieceModel({
    vocab: entries as Map<string, number>,
    unkToken: text('unk_token', '[UNK]'),
    continuingSubwordPrefix: text('continuing_subword_prefix', '##'),
    maxInputCharsPerWord: limit === undefined || limit === null ? 100 : (limit as number),
  });
}
