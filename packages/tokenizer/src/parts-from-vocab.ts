import { DataFormatError, invalidArgument, type SpecialTokens } from '@icd/core';
import type { AddedToken } from './added-vocabulary.js';
import { WordPieceDecoder } from './decoders/wordpiece-decoder.js';
import { WordPieceModel } from './models/wordpiece-model.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { TemplateProcessing } from './post-processors/template-processing.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import type { TokenizerParts } from './tokenizer-parts.js';

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
  /** Strip accents; default follows `lowercase`. */
  readonly stripAccents?: boolean;
  /** Spaces around CJK ideographs (default true; `tokenize_chinese_chars`). */
  readonly handleChineseChars?: boolean;
  /** Clean control characters and whitespace (default true). */
  readonly cleanText?: boolean;
  /** Special token names (defaults `[UNK] [CLS] [SEP] [PAD] [MASK]`). */
  readonly specialTokens?: Partial<SpecialTokens>;
  /** Extra tokens never split, matched in the original text (`never_split`). */
  readonly neverSplit?: readonly string[];
  readonly maxInputCharsPerWord?: number;
  readonly continuingSubwordPrefix?: string;
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
  if (typeof vocabText !== 'string') invalidArgument('fromVocab', 'vocabText', 'a string', vocabText);
  const lines = vocabText.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const vocab = new Map<string, number>();
  for (const [id, line] of lines.entries()) vocab.set(line.trimEnd(), id);
  if (vocab.size === 0) throw new DataFormatError({ message: 'vocab.txt is empty' });
  return vocab;
}

/** The stages `BertTokenizerFast(vocab_file, ...)` builds. */
export function partsFromVocab(vocabText: string, options: FromVocabOptions = {}): TokenizerParts {
  const vocab = parseVocab(vocabText);
  const names: SpecialTokens = {
    unk: options.specialTokens?.unk ?? '[UNK]',
    cls: options.specialTokens?.cls ?? '[CLS]',
    sep: options.specialTokens?.sep ?? '[SEP]',
    pad: options.specialTokens?.pad ?? '[PAD]',
    mask: options.specialTokens?.mask ?? '[MASK]',
  };
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
  let nextId = Math.max(...vocab.values()) + 1;
  for (const content of options.neverSplit ?? []) {
    if (typeof content !== 'string' || content === '') {
      invalidArgument('fromVocab', 'neverSplit', 'an array of non-empty strings', options.neverSplit);
    }
    if (addedTokens.some((token) => token.content === content)) continue;
    addedTokens.push(special(content, false, vocab.get(content) ?? nextId++));
  }
  addedTokens.sort((a, b) => a.id - b.id);
  const clsId = vocab.get(names.cls)!;
  const sepId = vocab.get(names.sep)!;
  const cls = { kind: 'special', id: names.cls, typeId: 0 } as const;
  return {
    normalizer: new BertNormalizer({
      lowercase: options.lowercase ?? true,
      stripAccents: options.stripAccents,
      handleChineseChars: options.handleChineseChars ?? true,
      cleanText: options.cleanText ?? true,
    }),
    preTokenizer: new BertPreTokenizer(),
    model: new WordPieceModel({
      vocab,
      unkToken: names.unk,
      maxInputCharsPerWord: options.maxInputCharsPerWord ?? 100,
      continuingSubwordPrefix: options.continuingSubwordPrefix ?? '##',
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
      specialTokens: {
        [names.cls]: { ids: [clsId], tokens: [names.cls] },
        [names.sep]: { ids: [sepId], tokens: [names.sep] },
      },
    }),
    decoder: new WordPieceDecoder(options.continuingSubwordPrefix ?? '##', true),
    addedTokens,
    specialTokens: names,
  };
}
