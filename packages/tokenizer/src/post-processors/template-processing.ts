import { DataFormatError } from '@icd/core';
import { EncodingData } from '../encoding/encoding-data.js';
import { PostProcessor, type PostProcessorJson } from './post-processor.js';

/**
 * One piece of a template: a special token or one of the input sequences.
 *
 * @example
 * ```ts
 * const cls: TemplatePiece = { kind: 'special', id: '[CLS]', typeId: 0 };
 * const first: TemplatePiece = { kind: 'sequence', sequence: 'A', typeId: 0 };
 * ```
 */
export type TemplatePiece =
  | { readonly kind: 'special'; readonly id: string; readonly typeId: number }
  | { readonly kind: 'sequence'; readonly sequence: 'A' | 'B'; readonly typeId: number };

/**
 * Options of {@link TemplateProcessing}.
 *
 * @example
 * ```ts
 * const cls: TemplatePiece = { kind: 'special', id: '[CLS]', typeId: 0 };
 * const sep: TemplatePiece = { kind: 'special', id: '[SEP]', typeId: 0 };
 * const options: TemplateProcessingOptions = {
 *   single: [cls, { kind: 'sequence', sequence: 'A', typeId: 0 }, sep],
 *   pair: [cls, { kind: 'sequence', sequence: 'A', typeId: 0 }, sep, { kind: 'sequence', sequence: 'B', typeId: 1 }, { ...sep, typeId: 1 }],
 *   specialTokens: { '[CLS]': { ids: [101], tokens: ['[CLS]'] }, '[SEP]': { ids: [102], tokens: ['[SEP]'] } },
 * };
 * new TemplateProcessing(options);
 * ```
 */
export interface TemplateProcessingOptions {
  readonly single: readonly TemplatePiece[];
  readonly pair: readonly TemplatePiece[];
  /** Special token name → the ids and token strings it expands to (a Map, or a record of own keys). */
  readonly specialTokens:
    | ReadonlyMap<string, TemplateSpecialToken>
    | Readonly<Record<string, TemplateSpecialToken>>;
}

/**
 * What one special token of a template expands to: ids and their token strings, as many of each.
 *
 * @example
 * ```ts
 * const cls: TemplateSpecialToken = { ids: [101], tokens: ['[CLS]'] };
 * ```
 */
export interface TemplateSpecialToken {
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
}

/** Type ids are stored in an `Int32Array`: larger ones would wrap. */
const maxTypeId = 2 ** 31 - 1;

function fail(path: string, expected: string, value: unknown): never {
  throw new DataFormatError({
    message: `post_processor.${path} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
  });
}

function checkTypeId(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > maxTypeId)
    fail(path, `an integer in [0, ${maxTypeId}]`, value);
  return value;
}

// Own entries only, into a Map: names such as "constructor" or "__proto__" are ordinary names.
function readSpecialTokens(
  given: TemplateProcessingOptions['specialTokens'],
): Map<string, TemplateSpecialToken> {
  if (given === null || typeof given !== 'object') fail('special_tokens', 'an object', given);
  const entries = given instanceof Map ? [...given.entries()] : Object.entries(given);
  const out = new Map<string, TemplateSpecialToken>();
  for (const [name, token] of entries as [string, unknown][]) {
    const path = `special_tokens[${JSON.stringify(name)}]`;
    if (token === null || typeof token !== 'object') fail(path, 'an object with ids and tokens', token);
    const { ids, tokens } = token as { ids?: unknown; tokens?: unknown };
    if (!Array.isArray(ids) || ids.length === 0) fail(`${path}.ids`, 'a non-empty array of ids', ids);
    ids.forEach((id, k) => {
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
        fail(`${path}.ids[${k}]`, 'a non-negative integer', id);
    });
    if (!Array.isArray(tokens) || tokens.length !== ids.length || tokens.some((t) => typeof t !== 'string'))
      fail(`${path}.tokens`, `an array of ${ids.length} strings (one per id)`, tokens);
    out.set(name, { ids: [...(ids as number[])], tokens: [...(tokens as string[])] });
  }
  return out;
}

/**
 * HuggingFace's `TemplateProcessing`: the final encoding is the template's pieces in order, e.g.
 * `[CLS]:0 $A:0 [SEP]:0` and `[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1` (the number is the type id). Pieces are
 * merged left to right with HF's overflow rules, so every overflowing window gets the specials too.
 *
 * @example
 * ```ts
 * const processor = TemplateProcessing.fromJSON(tokenizerJson.post_processor);
 * processor.addedTokens(true); // 3 for BERT
 * ```
 */
export class TemplateProcessing extends PostProcessor {
  readonly single: readonly TemplatePiece[];
  readonly pair: readonly TemplatePiece[];
  readonly specialTokens: ReadonlyMap<string, TemplateSpecialToken>;
  // Encodings are never modified in place, so one per (special token, type id) serves every call.
  private readonly specialParts = new Map<string, EncodingData>();

  constructor(options: TemplateProcessingOptions) {
    super();
    if (options === null || typeof options !== 'object') fail('', 'an object', options);
    this.specialTokens = readSpecialTokens(options.specialTokens);
    for (const key of ['single', 'pair'] as const) {
      const template = options[key];
      if (!Array.isArray(template)) fail(key, 'an array of pieces', template);
      template.forEach((piece, index) => {
        const path = `${key}[${index}]`;
        checkTypeId(`${path}.type_id`, piece?.typeId);
        if (piece.kind === 'special') {
          if (typeof piece.id !== 'string' || !this.specialTokens.has(piece.id)) {
            throw new DataFormatError({
              message: `post_processor template uses special token ${JSON.stringify(piece.id)} missing from its special_tokens`,
            });
          }
        } else if (piece.kind !== 'sequence' || (piece.sequence !== 'A' && piece.sequence !== 'B')) {
          fail(path, "a special token or sequence 'A' / 'B'", piece);
        }
      });
    }
    this.single = [...options.single];
    this.pair = [...options.pair];
  }

  /** Every id the template's special tokens expand to (checked against the vocabulary by the tokenizer). */
  specialTokenIds(): { name: string; id: number }[] {
    const out: { name: string; id: number }[] = [];
    for (const [name, token] of this.specialTokens) for (const id of token.ids) out.push({ name, id });
    return out;
  }

  /** Reads the `tokenizer.json` form. */
  static fromJSON(json: PostProcessorJson): TemplateProcessing {
    const pieces = (value: unknown, key: string): TemplatePiece[] => {
      if (!Array.isArray(value)) fail(key, 'an array', value);
      return value.map((piece, index) => {
        const path = `${key}[${index}]`;
        if (piece?.SpecialToken) {
          const { id, type_id: typeId } = piece.SpecialToken;
          if (typeof id !== 'string') fail(`${path}.SpecialToken.id`, 'a string', id);
          return { kind: 'special', id, typeId: checkTypeId(`${path}.SpecialToken.type_id`, typeId ?? 0) };
        }
        if (piece?.Sequence && (piece.Sequence.id === 'A' || piece.Sequence.id === 'B')) {
          const typeId = checkTypeId(`${path}.Sequence.type_id`, piece.Sequence.type_id ?? 0);
          return { kind: 'sequence', sequence: piece.Sequence.id, typeId };
        }
        return fail(path, 'a SpecialToken or Sequence piece', piece);
      });
    };
    const declared = json.special_tokens ?? {};
    if (declared === null || typeof declared !== 'object' || Array.isArray(declared))
      fail('special_tokens', 'an object', declared);
    return new TemplateProcessing({
      single: pieces(json.single, 'single'),
      pair: pieces(json.pair, 'pair'),
      specialTokens: new Map(Object.entries(declared as Record<string, TemplateSpecialToken>)),
    });
  }

  process(first: EncodingData, second: EncodingData | null, addSpecialTokens: boolean): EncodingData {
    const template = second === null ? this.single : this.pair;
    const parts: EncodingData[] = [];
    for (const piece of template) {
      let part: EncodingData;
      if (piece.kind === 'sequence') {
        const source = piece.sequence === 'A' ? first : second;
        if (source === null) continue;
        part = source.withSequence(piece.typeId, piece.sequence === 'A' ? 0 : 1);
      } else {
        if (!addSpecialTokens) continue;
        const key = `${piece.typeId}:${piece.id}`;
        let special = this.specialParts.get(key);
        if (special === undefined) {
          special = EncodingData.special(this.specialTokens.get(piece.id)!.ids, piece.typeId);
          this.specialParts.set(key, special);
        }
        part = special;
      }
      parts.push(part);
    }
    // Without overflowing windows a merge is a plain concatenation: one allocation instead of one per piece.
    if (parts.every((part) => part.overflowing.length === 0)) return EncodingData.concat(parts);
    return parts.reduce((merged, part) => merged.merge(part));
  }

  addedTokens(isPair: boolean): number {
    let count = 0;
    for (const piece of isPair ? this.pair : this.single) {
      if (piece.kind === 'special') count += this.specialTokens.get(piece.id)!.ids.length;
    }
    return count;
  }

  toJSON(): PostProcessorJson {
    const pieces = (template: readonly TemplatePiece[]) =>
      template.map((piece) =>
        piece.kind === 'special'
          ? { SpecialToken: { id: piece.id, type_id: piece.typeId } }
          : { Sequence: { id: piece.sequence, type_id: piece.typeId } },
      );
    // Null prototype: a token named "__proto__" stays an own key of the written JSON.
    const specialTokens: Record<string, unknown> = Object.create(null);
    for (const [name, token] of this.specialTokens) {
      specialTokens[name] = { id: name, ids: [...token.ids], tokens: [...token.tokens] };
    }
    return {
      type: 'TemplateProcessing',
      single: pieces(this.single),
      pair: pieces(this.pair),
      special_tokens: specialTokens,
    };
  }
}
