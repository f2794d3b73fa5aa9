import { templateSyntaxError } from './parse-literal.js';
import type { TemplateBlock } from './parse-template-text.js';

/**
 * One position-level unit of a template after soft blocks are expanded: a hard block (tokenized later,
 * `softId` 0) or ONE soft token (`softId` ≥ 1).
 */
export interface TemplateUnit {
  readonly block: TemplateBlock;
  /** 0 for a hard block; the soft-embedding row of a soft token otherwise. */
  readonly softId: number;
}

/** The soft tokens of a template, numbered as OpenPrompt's `MixedTemplate.prepare` numbers them. */
export interface SoftTokenNumbering {
  readonly units: readonly TemplateUnit[];
  /** Soft embeddings needed (rows 1..n; row 0 is unused, as OpenPrompt's `nn.Embedding(1 + n)`). */
  readonly numSoftTokens: number;
  /** Soft id → vocabulary id of the word piece it starts from (soft blocks with initial words). */
  readonly initialTokenIds: ReadonlyMap<number, number>;
}

/**
 * Expands soft blocks into soft tokens and numbers them exactly as OpenPrompt's
 * `MixedTemplate.prepare`: a soft block with initial words gets one soft token per word piece (each
 * starting from that piece's embedding); `{"soft": None}` gets one token, `"duplicate": n` n tokens
 * (one shared id with `"same": true`); a later block with the same `"soft_id"` reuses the ids of the
 * first one. Hard blocks get id 0.
 *
 * @example
 * ```ts
 * const blocks = parseTemplateText(
 *   '{"soft": None} {"soft": "the", "soft_id": 1} {"soft": None} {"soft": "it", "soft_id": 3} {"soft_id": 1} {"soft": "was"} {"mask"}',
 * );
 * numberSoftTokens(blocks, (words) => tokenizer.encode(words, null, { addSpecialTokens: false }).ids, text)
 *   .units.map((u) => u.softId); // [1, 2, 3, 4, 2, 5, 0]
 * ```
 */
export function numberSoftTokens(
  blocks: readonly TemplateBlock[],
  wordPieces: (words: string) => readonly number[],
  templateText: string,
  fn = 'MixedTemplate',
): SoftTokenNumbering {
  const units: TemplateUnit[] = [];
  const idsBySoftId = new Map<number, readonly number[]>();
  const initialTokenIds = new Map<number, number>();
  let count = 0;
  for (const block of blocks) {
    if (block.kind !== 'soft') {
      units.push({ block, softId: 0 });
      continue;
    }
    const shared = block.softId === undefined ? undefined : idsBySoftId.get(block.softId);
    if (shared) {
      for (const softId of shared) units.push({ block, softId });
      continue;
    }
    let ids: number[];
    if (block.soft === null || block.soft === undefined) {
      const duplicate = block.duplicate ?? 1;
      if (block.same) {
        count += 1;
        ids = Array<number>(duplicate).fill(count);
      } else {
        ids = Array.from({ length: duplicate }, (_, i) => count + 1 + i);
        count += duplicate;
      }
    } else {
      const pieces = wordPieces(`${block.addPrefixSpace ? ' ' : ''}${block.soft}`);
      if (pieces.length === 0)
        throw templateSyntaxError(
          fn,
          templateText,
          block.position,
          `the soft block's initial words ${JSON.stringify(block.soft)} tokenize to nothing`,
        );
      ids = pieces.map((_, i) => count + 1 + i);
      pieces.forEach((tokenId, i) => {
        initialTokenIds.set(count + 1 + i, tokenId);
      });
      count += pieces.length;
    }
    for (const softId of ids) units.push({ block, softId });
    if (block.softId !== undefined) idsBySoftId.set(block.softId, ids);
  }
  return { units, numSoftTokens: count, initialTokenIds };
}
