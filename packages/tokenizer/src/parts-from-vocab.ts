import { DataFormatError, invalidArgument, type SpecialTokens } from '@icd/core';
import type { AddedToken } from './added-vocabulary.js';
import { WordPieceDecoder } from './decoders/wordpiece-decoder.js';
import { WordPieceModel } from './models/wordpiece-model.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { TemplateProcessing } from './post-processors/template-processing.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import { resolveSpecialTokenNames } from './special-token-names.js';
import type { TokenizerParts } from './tokenizer-parts.js';

const defaultSpecialTokens: SpecialTokens = {
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  mask: '[MASK]',
};

/**
 * Options of {@link Tokenizer.fromVocab}, as `BertTokenizerFast` / `tokenizer_config.json` name them.
 *
 * @example
 * ```ts
 * Tokenizer.fromVocab(vocabText, { lowercase: false, neverSplit: ['[NOTE]'] });
 * ```
 */
export interface FromVocabOptions {
  /** Lower-case (default true; `do_lower_case`). */
  readonly lowercase?: boolean;
  /** Strip accents; default (`undefined` or `null`) follows `lowercase`. */
  readonly stripAccents?: boolean | null;
  /** Spaces around CJK ideographs (default true; `tokenize_chinese_chars`). */
  readonly handleChineseChars?: boolean;
  /** Clean control characters and whitespace (default true). */
  readonly cleanText?: boolean;
  /** Special token names (defaults `[UNK] [CLS] [SEP] [PAD] [MASK]`; `null` keeps the default). */
  readonly specialTokens?: Partial<Record<keyof SpecialTokens, string | null>>;
  /** Extra tokens never split, matched in the original text (`never_split`). */
  readonly neverSplit?: readonly string[];
  /**
   * Extra special tokens (`additional_special_tokens`): matched in the original text before any
   * splitting, as transformers does, and marked special (so `decode` can skip them).
   */
  readonly additionalSpecialTokens?: readonly string[];
  readonly maxInputCharsPerWord?: number;
  readonly continuingSubwordPrefix?: string;
  /** Default of `decode`'s space clean-up (`clean_up_tokenization_spaces`; default true, as `BertTokenizer`). */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/**
 * Parses `vocab.txt`: one token per line, id = line number, trailing whitespace trimmed (as HF).
 *
 * @example
 * ```ts
 * parseVocab('[PAD]\n[UNK]\nchest\n').get('chest'); // 2
 * ```
 */
export function parseVocab(vocabText: string): Map<string, number> {
  return readVocab(vocabText).vocab;
}

// The tokens of vocab.txt and its number of lines (the number of ids: a repeated line leaves a gap).
function readVocab(vocabText: string): { vocab: Map<string, number>; size: number } {
  if (typeof vocabText !== 'string') invalidArgument('fromVocab', 'vocabText', 'a string', vocabText);
  const lines = vocabText.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const vocab = new Map<string, number>();
  for (const [id, line] of lines.entries()) vocab.set(line.trimEnd(), id);
  if (vocab.size === 0) throw new DataFormatError({ file: 'vocab.txt', message: 'is empty' });
  return { vocab, size: lines.length };
}

function optionalBoolean(options: FromVocabOptions, key: keyof FromVocabOptions): boolean | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') invalidArgument('fromVocab', key, 'a boolean', value);
  return value;
}

/** The stages `BertTokenizerFast(vocab_file, ...)` builds. */
export function partsFromVocab(vocabText: string, options: FromVocabOptions = {}): TokenizerParts {
  if (options === null || typeof options !== 'object')
    invalidArgument('fromVocab', 'options', 'an object', options);
  const { vocab, size } = readVocab(vocabText);
  const names = resolveSpecialTokenNames('fromVocab', options.specialTokens, defaultSpecialTokens);
  const neverSplit = options.neverSplit ?? [];
  if (
    !Array.isArray(neverSplit) ||
    neverSplit.some((content) => typeof content !== 'string' || content === '')
  )
    invalidArgument('fromVocab', 'neverSplit', 'an array of non-empty strings', options.neverSplit);
  const additionalSpecial = options.additionalSpecialTokens ?? [];
  if (
    !Array.isArray(additionalSpecial) ||
    additionalSpecial.some((content) => typeof content !== 'string' || content === '')
  )
    invalidArgument(
      'fromVocab',
      'additionalSpecialTokens',
      'an array of non-empty strings',
      options.additionalSpecialTokens,
    );
  const prefix = options.continuingSubwordPrefix ?? '##';
  if (typeof prefix !== 'string') invalidArgument('fromVocab', 'continuingSubwordPrefix', 'a string', prefix);
  for (const key of ['cls', 'sep'] as const) {
    if (!vocab.has(names[key])) {
      throw new DataFormatError({
        message: `vocab.txt lacks the ${key} token ${JSON.stringify(names[key])}; add it or pass specialTokens.${key}`,
      });
    }
  }
  const special = (content: string, isSpecial: boolean, id: number): AddedToken => ({
    id,
    content,
    special: isSpecial,
    normalized: false,
    lstrip: false,
    rstrip: false,
    singleWord: false,
  });
  const addedTokens: AddedToken[] = [];
  for (const content of new Set([names.pad, names.unk, names.cls, names.sep, names.mask])) {
    const id = vocab.get(content);
    if (id !== undefined) addedTokens.push(special(content, true, id));
  }
  // Added tokens missing from vocab.txt get the ids after it, as HF's added vocabulary assigns them.
  let nextId = size;
  for (const content of additionalSpecial) {
    if (addedTokens.some((token) => token.content === content)) continue;
    addedTokens.push(special(content, true, vocab.get(content) ?? nextId++));
  }
  for (const content of neverSplit) {
    if (addedTokens.some((token) => token.content === content)) continue;
    addedTokens.push(special(content, false, vocab.get(content) ?? nextId++));
  }
  addedTokens.sort((a, b) => a.id - b.id);
  const clsId = vocab.get(names.cls)!;
  const sepId = vocab.get(names.sep)!;
  const cls = { kind: 'special', id: names.cls, typeId: 0 } as const;
  return {
    normalizer: new BertNormalizer({
      lowercase: optionalBoolean(options, 'lowercase') ?? true,
      stripAccents: optionalBoolean(options, 'stripAccents'),
      handleChineseChars: optionalBoolean(options, 'handleChineseChars') ?? true,
      cleanText: optionalBoolean(options, 'cleanText') ?? true,
    }),
    preTokenizer: new BertPreTokenizer(),
    model: new WordPieceModel({
      vocab,
      vocabSize: size,
      unkToken: names.unk,
      maxInputCharsPerWord: options.maxInputCharsPerWord ?? 100,
      continuingSubwordPrefix: prefix,
    }),
    postProcessor: new TemplateProcessing({
      single: [
        cls,
        { kind: 'sequence', sequence: 'A', typeId: 0 },
        { kind: 'special', id: names.sep, typeId: 0 },
      ],
      pair: [
        cls,
        { kind: 'sequence', sequence: 'A', typeId: 0 },
        { kind: 'special', id: names.sep, typeId: 0 },
        { kind: 'sequence', sequence: 'B', typeId: 1 },
        { kind: 'special', id: names.sep, typeId: 1 },
      ],
      specialTokens: new Map([
        [names.cls, { ids: [clsId], tokens: [names.cls] }],
        [names.sep, { ids: [sepId], tokens: [names.sep] }],
      ]),
    }),
    decoder: new WordPieceDecoder(prefix, true),
    addedTokens,
    specialTokens: names,
    cleanUpTokenizationSpaces: optionalBoolean(options, 'cleanUpTokenizationSpaces') ?? true,
  };
}
