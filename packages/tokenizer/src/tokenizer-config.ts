import { DataFormatError, type SpecialTokens } from '@icd/core';

/**
 * The fields of transformers' `tokenizer_config.json` this package reads and writes (others are kept
 * by whoever writes the file, e.g. `model_max_length`).
 *
 * @example
 * ```ts
 * const config: TokenizerConfigJson = { do_lower_case: false, strip_accents: null, clean_up_tokenization_spaces: true };
 * tokenizerFromFiles({ vocab: vocabText, tokenizerConfig: config });
 * ```
 */
export interface TokenizerConfigJson {
  readonly tokenizer_class?: string;
  readonly do_lower_case?: boolean | null;
  readonly strip_accents?: boolean | null;
  readonly tokenize_chinese_chars?: boolean | null;
  readonly never_split?: readonly string[] | null;
  readonly clean_up_tokenization_spaces?: boolean | null;
  readonly unk_token?: string | { content: string } | null;
  readonly cls_token?: string | { content: string } | null;
  readonly sep_token?: string | { content: string } | null;
  readonly pad_token?: string | { content: string } | null;
  readonly mask_token?: string | { content: string } | null;
  readonly additional_special_tokens?: readonly (string | { content: string })[] | null;
  readonly added_tokens_decoder?: Readonly<Record<string, { content: string; special?: boolean }>> | null;
  readonly [key: string]: unknown;
}

/** A checked `tokenizer_config.json`: `undefined` where the file leaves a setting out (or writes `null`). */
export interface TokenizerConfig {
  readonly lowercase: boolean | undefined;
  readonly stripAccents: boolean | undefined;
  readonly handleChineseChars: boolean | undefined;
  readonly neverSplit: readonly string[] | undefined;
  readonly cleanUpTokenizationSpaces: boolean | undefined;
  readonly specialTokens: Partial<SpecialTokens>;
  /** `additional_special_tokens` and the special entries of `added_tokens_decoder`. */
  readonly additionalSpecialTokens: readonly string[];
  /** The non-special entries of `added_tokens_decoder` (tokens added with `add_tokens`). */
  readonly addedTokens: readonly string[];
}

const specialKeys = ['unk', 'cls', 'sep', 'pad', 'mask'] as const;

/**
 * Checks a parsed `tokenizer_config.json` (`null` values mean "not set", as transformers' defaults);
 * a value of the wrong type is a {@link DataFormatError} naming the file and the field.
 *
 * @internal
 */
export function readTokenizerConfig(value: unknown, file = 'tokenizer_config.json'): TokenizerConfig {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new DataFormatError({
      file,
      message: `${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
    });
  };
  if (value === undefined) value = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail('the document', 'a JSON object', value);
  const json = value as Record<string, unknown>;
  const boolean = (key: string): boolean | undefined => {
    const entry = json[key];
    if (entry === undefined || entry === null) return undefined;
    if (typeof entry !== 'boolean') fail(key, 'true, false or null', entry);
    return entry as boolean;
  };
  const neverSplit = json.never_split;
  if (
    neverSplit !== undefined &&
    neverSplit !== null &&
    (!Array.isArray(neverSplit) || neverSplit.some((word) => typeof word !== 'string' || word === ''))
  ) {
    fail('never_split', 'an array of non-empty strings or null', neverSplit);
  }
  const specialTokens: { -readonly [K in keyof SpecialTokens]?: string } = {};
  for (const key of specialKeys) {
    const entry = json[`${key}_token`];
    if (entry === undefined || entry === null) continue;
    // Written as a string or as an AddedToken object {"content": ...}.
    const name =
      typeof entry === 'object' && !Array.isArray(entry) ? (entry as { content?: unknown }).content : entry;
    if (typeof name !== 'string' || name === '')
      fail(`${key}_token`, 'a non-empty string, an object with a string "content", or null', entry);
    specialTokens[key] = name as string;
  }
  const contentOf = (field: string, entry: unknown): string => {
    const name =
      entry !== null && typeof entry === 'object' && !Array.isArray(entry)
        ? (entry as { content?: unknown }).content
        : entry;
    if (typeof name !== 'string' || name === '')
      fail(field, 'a non-empty string or an object with a string "content"', entry);
    return name as string;
  };
  const additionalSpecialTokens: string[] = [];
  const addedTokens: string[] = [];
  const additional = json.additional_special_tokens;
  if (additional !== undefined && additional !== null) {
    if (!Array.isArray(additional)) fail('additional_special_tokens', 'an array or null', additional);
    for (const [k, entry] of (additional as unknown[]).entries())
      additionalSpecialTokens.push(contentOf(`additional_special_tokens[${k}]`, entry));
  }
  const decoder = json.added_tokens_decoder;
  if (decoder !== undefined && decoder !== null) {
    if (typeof decoder !== 'object' || Array.isArray(decoder))
      fail('added_tokens_decoder', 'an object of id → added token, or null', decoder);
    const entries = Object.entries(decoder as Record<string, unknown>).sort(
      ([a], [b]) => Number(a) - Number(b),
    );
    for (const [id, entry] of entries) {
      const content = contentOf(`added_tokens_decoder[${JSON.stringify(id)}]`, entry);
      const isSpecial = (entry as { special?: unknown }).special === true;
      (isSpecial ? additionalSpecialTokens : addedTokens).push(content);
    }
  }
  return {
    lowercase: boolean('do_lower_case'),
    stripAccents: boolean('strip_accents'),
    handleChineseChars: boolean('tokenize_chinese_chars'),
    neverSplit: (neverSplit as string[] | null | undefined) ?? undefined,
    cleanUpTokenizationSpaces: boolean('clean_up_tokenization_spaces'),
    specialTokens,
    additionalSpecialTokens,
    addedTokens,
  };
}

/**
 * The `tokenizer_config.json` of a tokenizer's settings, so that transformers (whose `BertTokenizerFast`
 * applies `do_lower_case` / `strip_accents` / `tokenize_chinese_chars` over the `tokenizer.json`
 * normalizer, defaulting to lower-casing) and `loadTokenizer` read back the same tokenizer.
 *
 * @internal Reached through `Tokenizer.toConfigJSON`.
 */
export function tokenizerConfigOf(settings: {
  readonly normalizer: unknown;
  readonly specialTokens: SpecialTokens;
  readonly cleanUpTokenizationSpaces: boolean;
}): TokenizerConfigJson {
  const normalizer = settings.normalizer as {
    lowercase?: unknown;
    stripAccents?: unknown;
    handleChineseChars?: unknown;
  } | null;
  const isBert = normalizer !== null && typeof normalizer?.lowercase === 'boolean';
  const { unk, cls, sep, pad, mask } = settings.specialTokens;
  return {
    tokenizer_class: 'BertTokenizer',
    // Without a BERT normalizer nothing is lower-cased or stripped.
    do_lower_case: isBert ? (normalizer.lowercase as boolean) : false,
    strip_accents: isBert ? ((normalizer.stripAccents as boolean | undefined) ?? null) : false,
    tokenize_chinese_chars: isBert ? (normalizer.handleChineseChars as boolean) : false,
    clean_up_tokenization_spaces: settings.cleanUpTokenizationSpaces,
    unk_token: unk,
    cls_token: cls,
    sep_token: sep,
    pad_token: pad,
    mask_token: mask,
  };
}
