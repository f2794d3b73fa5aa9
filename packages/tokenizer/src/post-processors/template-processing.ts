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
  /** Special token name → the ids and token strings it expands to. */
  readonly specialTokens: Readonly<Record<string, { ids: readonly number[]; tokens: readonly string[] }>>;
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
  readonly specialTokens: TemplateProcessingOptions['specialTokens'];
  // Encodings are never modified in place, so one per (special token, type id) serves every call.
  private readonly specialParts = new Map<string, EncodingData>();

  constructor(options: TemplateProcessingOptions) {
    super();
    this.single = options.single;
    this.pair = options.pair;
    this.specialTokens = options.specialTokens;
    for (const piece of [...this.single, ...this.pair]) {
      if (piece.kind === 'special' && this.specialTokens[piece.id] === undefined) {
        throw new DataFormatError({
          message: `post_processor template uses special token ${JSON.stringify(piece.id)} missing from its special_tokens`,
        });
      }
    }
  }

  /** Reads the `tokenizer.json` form. */
  static fromJSON(json: PostProcessorJson): TemplateProcessing {
    const pieces = (value: unknown, key: string): TemplatePiece[] => {
      if (!Array.isArray(value))
        throw new DataFormatError({ message: `post_processor.${key} must be an array` });
      return value.map((piece) => {
        if (piece?.SpecialToken) {
          return {
            kind: 'special',
            id: String(piece.SpecialToken.id),
            typeId: piece.SpecialToken.type_id ?? 0,
          };
        }
        if (piece?.Sequence && (piece.Sequence.id === 'A' || piece.Sequence.id === 'B')) {
          return { kind: 'sequence', sequence: piece.Sequence.id, typeId: piece.Sequence.type_id ?? 0 };
        }
        throw new DataFormatError({
          message: `post_processor.${key} has an unreadable piece ${JSON.stringify(piece)}`,
        });
      });
    };
    const specialTokens: Record<string, { ids: number[]; tokens: string[] }> = {};
    const declared = (json.special_tokens ?? {}) as Record<string, { ids?: unknown; tokens?: unknown }>;
    for (const [name, token] of Object.entries(declared)) {
      if (!Array.isArray(token.ids) || !Array.isArray(token.tokens)) {
        throw new DataFormatError({
          message: `post_processor.special_tokens[${JSON.stringify(name)}] needs ids and tokens`,
        });
      }
      specialTokens[name] = { ids: token.ids as number[], tokens: token.tokens as string[] };
    }
    return new TemplateProcessing({
      single: pieces(json.single, 'single'),
      pair: pieces(json.pair, 'pair'),
      specialTokens,
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
          special = EncodingData.special(this.specialTokens[piece.id]!.ids, piece.typeId);
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
      if (piece.kind === 'special') count += this.specialTokens[piece.id]!.ids.length;
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
    const specialTokens: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(this.specialTokens)) {
      specialTokens[name] = { id: name, ids: token.ids, tokens: token.tokens };
    }
    return {
      type: 'TemplateProcessing',
      single: pieces(this.single),
      pair: pieces(this.pair),
      special_tokens: specialTokens,
    };
  }
}
