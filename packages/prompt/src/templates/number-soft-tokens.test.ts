import { MockTokenizer } from '@icd/core/test';
import { describe, expect, it } from 'vitest';
import { bertTokenizer, hasBertTokenizer } from '../test-support/shared-tokenizer.js';
import { numberSoftTokens } from './number-soft-tokens.js';
import { parseTemplateText } from './parse-template-text.js';

const docstringTemplate =
  '{"soft": None} {"soft": "the", "soft_id": 1} {"soft": None} {"soft": "it", "soft_id": 3} {"soft_id": 1} {"soft": "was"} {"mask"}';

describe('numberSoftTokens', () => {
  it("numbers OpenPrompt's docstring example [1, 2, 3, 4, 2, 5, 0]", () => {
    const tokenizer = new MockTokenizer(['the', 'it', 'was']);
    const pieces = (words: string) => tokenizer.encode(words, null, { addSpecialTokens: false }).ids;
    const numbering = numberSoftTokens(parseTemplateText(docstringTemplate), pieces, docstringTemplate);
    expect(numbering.units.map((u) => u.softId)).toEqual([1, 2, 3, 4, 2, 5, 0]);
    expect(numbering.numSoftTokens).toBe(5);
    // Soft ids 2, 4, 5 start from the embeddings of "the", "it", "was" (MockTokenizer ids 5, 6, 7).
    expect([...numbering.initialTokenIds]).toEqual([
      [2, 5],
      [4, 6],
      [5, 7],
    ]);
  });

  it('gives one soft token per word piece, duplicates and shared duplicates', () => {
    const text =
      '{"soft": None, "duplicate": 3} {"soft": None, "duplicate": 2, "same": True} {"soft": "a b"} {"mask"}';
    const tokenizer = new MockTokenizer(['a', 'b']);
    const pieces = (words: string) => tokenizer.encode(words, null, { addSpecialTokens: false }).ids;
    expect(numberSoftTokens(parseTemplateText(text), pieces, text).units.map((u) => u.softId)).toEqual([
      1, 2, 3, 4, 4, 5, 6, 0,
    ]);
  });

  it.skipIf(!hasBertTokenizer)('splits initial words into bert-base-uncased word pieces', () => {
    const tokenizer = bertTokenizer();
    const text =
      '{"placeholder":"text_a"} patient {"soft": "can be diagnosed as"} {"soft": "cardiomyopathy"} {"mask"}.';
    const numbering = numberSoftTokens(
      parseTemplateText(text),
      (words) => tokenizer.encode(words, null, { addSpecialTokens: false }).ids,
      text,
    );
    const pieces = tokenizer.encode(' cardiomyopathy', null, { addSpecialTokens: false }).tokens;
    expect(pieces.length).toBeGreaterThan(1);
    expect(numbering.units.map((u) => u.softId)).toEqual([
      0,
      0,
      1,
      2,
      3,
      4,
      ...pieces.map((_, i) => 5 + i),
      0,
      0,
    ]);
    expect(numbering.initialTokenIds.get(3)).toBe(tokenizer.tokenToId('diagnosed'));
  });
});
