import type { WordPieceVocabularySettings } from './wordpiece-vocabulary.js';

/**
 * An added-token entry of `tokenizer.json`.
 *
 * @example
 * ```ts
 * const vocabulary = await new WordPieceTrainer({ vocabSize: 8000 }).train(lines);
 * const [pad]: TrainedAddedToken[] = vocabulary.toTokenizerJson().added_tokens; // { id: 0, content: '[PAD]', special: true, ... }
 * ```
 */
export interface TrainedAddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/**
 * The `tokenizer.json` written for a trained WordPiece vocabulary (HF's serialisation, version 1.0).
 *
 * @example
 * ```ts
 * const json: TrainedTokenizerJson = vocabulary.toTokenizerJson();
 * writeFileSync('tokenizer.json', JSON.stringify(json, null, 2)); // loads in HF `tokenizers`
 * ```
 */
export interface TrainedTokenizerJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: TrainedAddedToken[];
  normalizer: {
    type: 'BertNormalizer';
    clean_text: boolean;
    handle_chinese_chars: boolean;
    strip_accents: boolean | null;
    lowercase: boolean;
  };
  pre_tokenizer: { type: 'BertPreTokenizer' };
  post_processor: { type: 'TemplateProcessing'; [key: string]: unknown } | null;
  decoder: { type: 'WordPiece'; prefix: string; cleanup: boolean };
  model: {
    type: 'WordPiece';
    unk_token: string;
    continuing_subword_prefix: string;
    max_input_chars_per_word: number;
    vocab: Record<string, number>;
  };
}

/**
 * Builds the `tokenizer.json` object of a trained vocabulary, field for field as HF tokenizers
 * serialises a BERT pipeline (compare `bert-base-uncased/tokenizer.json`): special tokens become
 * non-normalised special added tokens with their vocabulary ids; the post-processor is BERT's template
 * when `[CLS]` and `[SEP]` are both special tokens, otherwise none.
 *
 * @internal Reached through `WordPieceVocabulary.toTokenizerJson`.
 */
export function buildTrainedTokenizerJson(
  tokens: readonly string[],
  settings: Readonly<WordPieceVocabularySettings>,
): TrainedTokenizerJson {
  // Object.create(null): a token such as "__proto__" must stay an ordinary key.
  const vocab: Record<string, number> = Object.create(null);
  tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  const addedTokens = [...new Set(settings.specialTokens)]
    .filter((token) => vocab[token] !== undefined)
    .map((token) => ({
      id: vocab[token]!,
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }))
    .sort((a, b) => a.id - b.id);
  const isSpecial = (token: string) => settings.specialTokens.includes(token) && vocab[token] !== undefined;
  const cls = '[CLS]';
  const sep = '[SEP]';
  const postProcessor =
    isSpecial(cls) && isSpecial(sep)
      ? {
          type: 'TemplateProcessing' as const,
          single: [
            { SpecialToken: { id: cls, type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: sep, type_id: 0 } },
          ],
          pair: [
            { SpecialToken: { id: cls, type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: sep, type_id: 0 } },
            { Sequence: { id: 'B', type_id: 1 } },
            { SpecialToken: { id: sep, type_id: 1 } },
          ],
          special_tokens: {
            [cls]: { id: cls, ids: [vocab[cls]!], tokens: [cls] },
            [sep]: { id: sep, ids: [vocab[sep]!], tokens: [sep] },
          },
        }
      : null;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: settings.stripAccents ?? null,
      lowercase: settings.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: postProcessor,
    decoder: { type: 'WordPiece', prefix: settings.continuingSubwordPrefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: settings.unkToken,
      continuing_subword_prefix: settings.continuingSubwordPrefix,
      max_input_chars_per_word: 100,
      vocab: { ...vocab },
    },
  };
}
