import { assertInteger, assertOneOf, invalidArgument } from '../errors/validate.js';
import type {
  DecodeOptions,
  EncodeOptions,
  Encoding,
  SpecialTokens,
  TokenizerLike,
} from '../tokenizer-like.js';
import {
  type MockEncoding,
  mergeEncodings,
  padEncoding,
  toEncoding,
  truncateEncoding,
  withSequence,
} from './mock-encoding.js';

const specialTokens: SpecialTokens = {
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  mask: '[MASK]',
};

type Strategy = 'longest_first' | 'only_first' | 'only_second';

// Windows of `length` tokens start every `length - stride` tokens; HF refuses a step <= 0.
function checkStride(sequence: MockEncoding, length: number, stride: number): void {
  if (length > 0 && sequence.ids.length > length && stride >= length)
    invalidArgument(
      'encode',
      'stride',
      `less than ${length}, the window length truncation leaves a text`,
      stride,
    );
}

// HF `truncate_encodings` (tokenizers/src/utils/truncation.rs).
function truncatePair(
  first: MockEncoding,
  second: MockEncoding | null,
  maxLength: number,
  strategy: Strategy,
  stride: number,
): [MockEncoding, MockEncoding | null] {
  if (maxLength === 0)
    return [truncateEncoding(first, 0, stride), second && truncateEncoding(second, 0, stride)];
  const total = first.ids.length + (second?.ids.length ?? 0);
  if (total <= maxLength) return [first, second];
  if (strategy === 'longest_first') {
    if (second === null) {
      checkStride(first, maxLength, stride);
      return [truncateEncoding(first, maxLength, stride), null];
    }
    let short = Math.min(first.ids.length, second.ids.length);
    let long = short > maxLength ? short : Math.max(short, maxLength - short);
    if (short + long > maxLength) {
      short = Math.floor(maxLength / 2);
      long = short + (maxLength % 2);
    }
    const [n1, n2] = first.ids.length > second.ids.length ? [long, short] : [short, long];
    checkStride(first, n1, stride);
    checkStride(second, n2, stride);
    return [truncateEncoding(first, n1, stride), truncateEncoding(second, n2, stride)];
  }
  const target = strategy === 'only_first' ? first : second;
  if (target === null)
    invalidArgument('encode', 'truncation', "'longest_first' or 'only_first' for one text", strategy);
  const keep = target.ids.length - (total - maxLength);
  if (keep <= 0)
    invalidArgument('encode', 'maxLength', `large enough that '${strategy}' leaves tokens`, maxLength);
  checkStride(target, keep, stride);
  const cut = truncateEncoding(target, keep, stride);
  return strategy === 'only_first' ? [cut, second] : [first, cut];
}

/**
 * A {@link TokenizerLike} for tests: lower-cases, splits on whitespace and punctuation, maps words to ids
 * of a given word list (ids 0-4 are `[PAD] [UNK] [CLS] [SEP] [MASK]`). It is NOT WordPiece (use
 * `@icd/tokenizer` for real models), but every encode option behaves as in HF `tokenizers`: pairs
 * (`[CLS] A [SEP] B [SEP]`, type ids 0/1), truncation (`longest_first` / `only_first` / `only_second`,
 * on by default with `maxLength`), `stride` / `returnOverflowing` windows (combined across a pair as HF
 * does), padding (`longest`, `max_length`, left/right, `padToMultipleOf`); impossible strides are refused.
 *
 * @example
 * ```ts
 * const tokenizer = new MockTokenizer(['chest', 'pain']);
 * tokenizer.encode('Chest pain').ids; // [2, 5, 6, 3]
 * tokenizer.encode('chest pain chest', 'pain', { maxLength: 5, stride: 0 }).overflowing.length; // 2
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

  private sequence(text: string): MockEncoding {
    const ids: number[] = [];
    const tokens: string[] = [];
    const offsets: [number, number][] = [];
    for (const match of text.matchAll(/\[MASK\]|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
      const word = match[0] === '[MASK]' ? match[0] : match[0].toLowerCase();
      const id = this.index.get(word) ?? 1;
      ids.push(id);
      tokens.push(this.vocab[id]!);
      offsets.push([match.index, match.index + match[0].length]);
    }
    return {
      ids,
      tokens,
      offsets,
      typeIds: ids.map(() => 0),
      wordIds: ids.map((_, i) => i),
      sequenceIds: ids.map(() => 0),
      specialTokensMask: ids.map(() => 0),
      attentionMask: ids.map(() => 1),
      overflowing: [],
    };
  }

  private special(token: string, typeId: number): MockEncoding {
    return {
      ids: [this.index.get(token)!],
      tokens: [token],
      offsets: [[0, 0]],
      typeIds: [typeId],
      wordIds: [null],
      sequenceIds: [null],
      specialTokensMask: [1],
      attentionMask: [1],
      overflowing: [],
    };
  }

  private encodeOne(text: string, pair: string | null, options: EncodeOptions): MockEncoding {
    if (typeof text !== 'string') invalidArgument('encode', 'text', 'a string', text);
    if (pair !== null && typeof pair !== 'string')
      invalidArgument('encode', 'pair', 'a string or null', pair);
    const addSpecial = options.addSpecialTokens ?? true;
    if (typeof addSpecial !== 'boolean')
      invalidArgument('encode', 'addSpecialTokens', 'a boolean', addSpecial);
    const { maxLength } = options;
    if (maxLength !== undefined) assertInteger('encode', 'maxLength', maxLength, { min: 1 });
    const requested = options.truncation ?? maxLength !== undefined;
    const stride = options.stride ?? 0;
    assertInteger('encode', 'stride', stride, { min: 0 });
    let first = this.sequence(text);
    let second = pair === null ? null : withSequence(this.sequence(pair), 1, 1);
    if (requested !== false) {
      assertOneOf('encode', 'truncation', requested, [
        true,
        'longest_first',
        'only_first',
        'only_second',
      ] as const);
      if (maxLength === undefined)
        invalidArgument('encode', 'maxLength', 'an integer when truncation is on', maxLength);
      const budget = maxLength - (addSpecial ? (pair === null ? 2 : 3) : 0);
      if (budget < 0 || stride >= Math.max(budget, 1))
        invalidArgument(
          'encode',
          stride > 0 ? 'stride' : 'maxLength',
          'such that stride < maxLength - special tokens',
          stride > 0 ? stride : maxLength,
        );
      const strategy = requested === true ? 'longest_first' : requested;
      [first, second] = truncatePair(first, second, budget, strategy, stride);
      if (!(options.returnOverflowing ?? false) && stride === 0) {
        first = { ...first, overflowing: [] };
        second = second && { ...second, overflowing: [] };
      }
    }
    const parts = addSpecial
      ? [
          this.special('[CLS]', 0),
          first,
          this.special('[SEP]', 0),
          ...(second ? [second, this.special('[SEP]', 1)] : []),
        ]
      : [first, ...(second ? [second] : [])];
    return parts.reduce(mergeEncodings);
  }

  private padAll(encodings: MockEncoding[], options: EncodeOptions): MockEncoding[] {
    const padding = options.padding ?? false;
    if (padding === false) return encodings;
    assertOneOf('encode', 'padding', padding, [true, 'longest', 'max_length'] as const);
    const side = options.paddingSide ?? 'right';
    assertOneOf('encode', 'paddingSide', side, ['right', 'left'] as const);
    let target = 0;
    if (padding === 'max_length') {
      if (options.maxLength === undefined)
        invalidArgument('encode', 'maxLength', "an integer when padding is 'max_length'", undefined);
      target = options.maxLength;
    } else for (const encoding of encodings) target = Math.max(target, encoding.ids.length);
    const multiple = options.padToMultipleOf;
    if (multiple !== undefined) {
      assertInteger('encode', 'padToMultipleOf', multiple, { min: 1, max: 1 << 20 });
      if (target % multiple !== 0) target += multiple - (target % multiple);
    }
    return encodings.map((encoding) => padEncoding(encoding, target, 0, specialTokens.pad, side === 'left'));
  }

  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    return toEncoding(this.padAll([this.encodeOne(text, pair ?? null, options)], options)[0]!);
  }

  encodeBatch(
    inputs: readonly (string | readonly [string, string])[],
    options: EncodeOptions = {},
  ): Encoding[] {
    if (!Array.isArray(inputs))
      invalidArgument('encodeBatch', 'inputs', 'an array of strings or pairs', inputs);
    const encodings = inputs.map((input) =>
      typeof input === 'string'
        ? this.encodeOne(input, null, options)
        : this.encodeOne(input[0], input[1], options),
    );
    return this.padAll(encodings, options).map(toEncoding);
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? false;
    return ids
      .filter((id) => !(skip && id < 5))
      .map((id) => this.vocab[id] ?? specialTokens.unk)
      .join(' ');
  }
}
