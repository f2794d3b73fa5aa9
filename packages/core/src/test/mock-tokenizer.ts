import { assertInteger, invalidArgument } from '../errors/validate.js';
import type {
  DecodeOptions,
  EncodeOptions,
  Encoding,
  SpecialTokens,
  TokenizerLike,
} from '../tokenizer-like.js';

const specialTokens: SpecialTokens = {
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  mask: '[MASK]',
};

/**
 * A {@link TokenizerLike} for tests: lower-cases, splits on whitespace and punctuation, maps words to ids
 * of a given word list (ids 0-4 are `[PAD] [UNK] [CLS] [SEP] [MASK]`), adds `[CLS]`/`[SEP]`, truncates
 * to `maxLength` and pads. It is NOT WordPiece; use `@icd/tokenizer` for real models.
 *
 * @example
 * ```ts
 * const tokenizer = new MockTokenizer(['chest', 'pain']);
 * tokenizer.encode('Chest pain').ids; // [2, 5, 6, 3]
 * ```
 */
export class MockTokenizer implements TokenizerLike {
  readonly specialTokens = specialTokens;
  private readonly vocab: string[];
  private readonly index = new Map<string, number>();

  constructor(words: readonly string[]) {
    this.vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words];
    this.vocab.forEach((token, id) => {
      if (!this.index.has(token)) this.index.set(token, id);
    });
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  tokenToId(token: string): number | undefined {
    return this.index.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.vocab[id];
  }

  private words(text: string): { token: string; start: number; end: number }[] {
    const out: { token: string; start: number; end: number }[] = [];
    for (const match of text.matchAll(/\[MASK\]|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
      const token = match[0] === '[MASK]' ? match[0] : match[0].toLowerCase();
      out.push({ token, start: match.index, end: match.index + match[0].length });
    }
    return out;
  }

  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    if (typeof text !== 'string') invalidArgument('encode', 'text', 'a string', text);
    if (pair != null) invalidArgument('encode', 'pair', 'null (MockTokenizer does not encode pairs)', pair);
    const addSpecial = options.addSpecialTokens ?? true;
    let words = this.words(text);
    if (options.maxLength !== undefined) {
      assertInteger('encode', 'maxLength', options.maxLength, { min: addSpecial ? 2 : 1 });
      words = words.slice(0, options.maxLength - (addSpecial ? 2 : 0));
    }
    const ids: number[] = [];
    const tokens: string[] = [];
    const offsets: (readonly [number, number])[] = [];
    const wordIds: (number | null)[] = [];
    const special: number[] = [];
    const pushSpecial = (token: string) => {
      ids.push(this.index.get(token)!);
      tokens.push(token);
      offsets.push([0, 0]);
      wordIds.push(null);
      special.push(1);
    };
    if (addSpecial) pushSpecial(specialTokens.cls);
    words.forEach((word, i) => {
      const id = this.index.get(word.token) ?? 1;
      ids.push(id);
      tokens.push(this.vocab[id]!);
      offsets.push([word.start, word.end]);
      wordIds.push(i);
      special.push(0);
    });
    if (addSpecial) pushSpecial(specialTokens.sep);
    const realLength = ids.length;
    if (options.padding === 'max_length' && options.maxLength !== undefined) {
      while (ids.length < options.maxLength) pushSpecial(specialTokens.pad);
    }
    return {
      ids,
      tokens,
      offsets,
      attentionMask: ids.map((_, i) => (i < realLength ? 1 : 0)),
      typeIds: ids.map(() => 0),
      specialTokensMask: special,
      wordIds,
      sequenceIds: wordIds.map((w) => (w === null ? null : 0)),
      overflowing: [],
    };
  }

  encodeBatch(
    inputs: readonly (string | readonly [string, string])[],
    options: EncodeOptions = {},
  ): Encoding[] {
    const encodings = inputs.map((input) =>
      typeof input === 'string'
        ? this.encode(input, null, options)
        : this.encode(input[0], input[1], options),
    );
    if (options.padding !== true && options.padding !== 'longest') return encodings;
    const longest = Math.max(0, ...encodings.map((e) => e.ids.length));
    return encodings.map((e) => {
      const extra = longest - e.ids.length;
      const pad = <T>(values: readonly T[], value: T) => [...values, ...Array<T>(extra).fill(value)];
      return {
        ...e,
        ids: pad(e.ids, 0),
        tokens: pad(e.tokens, specialTokens.pad),
        offsets: pad(e.offsets, [0, 0] as const),
        attentionMask: pad(e.attentionMask, 0),
        typeIds: pad(e.typeIds, 0),
        specialTokensMask: pad(e.specialTokensMask, 1),
        wordIds: pad(e.wordIds, null),
        sequenceIds: pad(e.sequenceIds, null),
      };
    });
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? false;
    return ids
      .filter((id) => !(skip && id < 5))
      .map((id) => this.vocab[id] ?? specialTokens.unk)
      .join(' ');
  }
}
