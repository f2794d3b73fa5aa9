import { InvalidArgumentError } from '@icd/core';
import { MockTokenizer } from '@icd/core/test';
import { describe, expect, it } from 'vitest';
import { bertTokenizer, hasBertTokenizer } from '../test-support/shared-tokenizer.js';
import { ManualTemplate } from './manual-template.js';

// MockTokenizer ids: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, then a=5 b=6 c=7 d=8 e=9 it=10 was=11 .=12 x=13 y=14.
const tokenizer = new MockTokenizer(['a', 'b', 'c', 'd', 'e', 'it', 'was', '.', 'x', 'y']);
const itWas = '{"placeholder":"text_a"} It was {"mask"}.';

function template(text: string, options: Partial<ConstructorParameters<typeof ManualTemplate>[0]> = {}) {
  return new ManualTemplate({ tokenizer, text, ...options });
}

describe('Template.wrap', () => {
  it('wraps a note into [CLS] note template [SEP] with the mask position', () => {
    const wrapped = template(itWas).wrap('a b c d e');
    expect(wrapped).toEqual({
      inputIds: [2, 5, 6, 7, 8, 9, 10, 11, 4, 12, 3],
      softTokenIds: Array(11).fill(0),
      maskPositions: [8],
      removedTokens: 0,
    });
  });

  it('cuts only the note: tail keeps its start, head really keeps its end', () => {
    // 11 tokens into 8: the 4 template tokens and the specials stay, the note keeps 2 of its 5.
    expect(template(itWas, { maxLength: 8 }).wrap('a b c d e')).toEqual({
      inputIds: [2, 5, 6, 10, 11, 4, 12, 3],
      softTokenIds: Array(8).fill(0),
      maskPositions: [5],
      removedTokens: 3,
    });
    // OpenPrompt's "head" would give [2, 5, 6, ...] too (it cuts each part's end).
    expect(template(itWas, { maxLength: 8, truncation: 'head' }).wrap('a b c d e').inputIds).toEqual([
      2, 8, 9, 10, 11, 4, 12, 3,
    ]);
  });

  it('shares the cut between shortenable blocks by tail, head and balanced', () => {
    const two = '{"placeholder":"text_a"} x {"placeholder":"text_b"} {"mask"}';
    const input = { textA: 'a b c d', textB: 'e e e e e e' };
    // 4 + 1 + 6 + 1 = 12 tokens, 7 allowed: 5 to remove.
    const ids = (truncation: 'tail' | 'head' | 'balanced') =>
      template(two, { maxLength: 9, truncation }).wrap(input).inputIds;
    expect(ids('tail')).toEqual([2, 5, 6, 7, 8, 13, 9, 4, 3]);
    expect(ids('head')).toEqual([2, 13, 9, 9, 9, 9, 9, 4, 3]);
    // OpenPrompt's balanced_truncate: ceil(4/10·5) = 2 from text_a, ceil(6/10·5) = 3 from text_b, each from its end.
    expect(ids('balanced')).toEqual([2, 5, 6, 13, 9, 9, 9, 4, 3]);
  });

  it('shortens with a filter function, then cuts what still overflows at the tail', () => {
    const calls: [string, number][] = [];
    const everyOtherWord = (text: string, maxTokens: number) => {
      calls.push([text, maxTokens]);
      return text
        .split(' ')
        .filter((_, i) => i % 2 === 0)
        .join(' ');
    };
    const wrapped = template(itWas, { maxLength: 8, truncation: everyOtherWord }).wrap('a b c d e');
    expect(calls).toEqual([['a b c d e', 2]]);
    // "a c e" is still one token too long: the tail cut removes "e".
    expect(wrapped.inputIds).toEqual([2, 5, 7, 10, 11, 4, 12, 3]);
    expect(wrapped.removedTokens).toBe(3);
  });

  it('never cuts non-shortenable blocks: a note that cannot fit is an error', () => {
    const fixed = template('{"placeholder":"text_a", "shortenable": False} {"mask"}', { maxLength: 5 });
    expect(() => fixed.wrap('a b c d')).toThrow(InvalidArgumentError);
    expect(() => template(itWas, { maxLength: 5 })).toThrow(/at least 6/);
  });

  it('reports the truncation rate', () => {
    const t = template(itWas, { maxLength: 9 });
    t.wrap('a');
    t.wrap('a b c d e');
    t.wrap('a b');
    expect(t.truncationStats).toEqual({ wrapped: 3, truncated: 1, rate: 1 / 3 });
    const batch = t.wrapBatch(['a b c d e', 'a']);
    expect(batch.truncated).toEqual([true, false]);
    t.resetTruncationStats();
    expect(t.truncationStats.rate).toBe(0);
  });

  it('fills meta fields, special tokens, text_b and registered post-processing', () => {
    const t = template(
      '{"meta": "age"} {"placeholder":"text_a", "post_processing": "stripPeriods"} {"special": "<sep>"} {"placeholder":"text_b"} {"mask"} {"placeholder":"text_a", "post_processing": "twice"}',
      { postProcessing: { twice: (text) => `${text} ${text}` } },
    );
    expect(t.wrap({ textA: 'a b.', textB: 'c', meta: { age: 'y' } }).inputIds).toEqual([
      2, 14, 5, 6, 3, 7, 4, 5, 6, 12, 5, 6, 12, 3,
    ]);
    expect(() => t.wrap({ textA: 'a', meta: { age: 'y' } })).toThrow(/textB/);
    expect(() => t.wrap({ textA: 'a', textB: 'b' })).toThrow(/meta\.age/);
    expect(() => template('{"placeholder":"text_a", "post_processing": "lambda x: x"} {"mask"}')).toThrow(
      /not a registered function/,
    );
    expect(() => template('{"special": "<eos>"} {"mask"}')).toThrow(/not in the tokenizer's vocabulary/);
  });

  it('refuses templates without a mask, soft blocks in a manual template and bad options', () => {
    expect(() => template('{"placeholder":"text_a"} It was')).toThrow(/no \{"mask"\} block/);
    expect(() => template('{"soft"} {"mask"}')).toThrow(/use MixedTemplate/);
    expect(() => template(itWas, { truncation: 'middle' as 'tail' })).toThrow(/truncation/);
    expect(() => template('{"mask", "shortenable": True}')).toThrow();
  });

  it('pads a batch to the longest note or to maxLength, with mask positions per note', () => {
    const t = template(itWas, { maxLength: 12 });
    const batch = t.wrapBatch(['a b', { textA: 'a b c d' }]);
    expect(batch.inputIds.shape).toEqual([2, 10]);
    expect(Array.from(batch.inputIds.data)).toEqual([
      2, 5, 6, 10, 11, 4, 12, 3, 0, 0, 2, 5, 6, 7, 8, 10, 11, 4, 12, 3,
    ]);
    expect(Array.from(batch.attentionMask.data)).toEqual([
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      ...Array(10).fill(1),
    ]);
    expect(Array.from(batch.maskPositions.data)).toEqual([5, 7]);
    expect(t.wrapBatch(['a'], { padTo: 'maxLength' }).inputIds.shape).toEqual([1, 12]);
    expect(() => t.wrapBatch([])).toThrow(InvalidArgumentError);
    expect(t.tokenBudget()).toBe(12 - 2 - 4);
  });
});

describe.skipIf(!hasBertTokenizer)('Template.wrap with bert-base-uncased', () => {
  const note = 'Patient with palpitations; ECG showed atrial fibrillation with rapid ventricular response.';

  it('gives the ids the tokenizer gives the filled-in sentence', () => {
    const bert = bertTokenizer();
    const t = new ManualTemplate({
      tokenizer: bert,
      text: '{"placeholder":"text_a"} The diagnosis is {"mask"}.',
    });
    const wrapped = t.wrap(note);
    const reference = bert.encode(`${note} The diagnosis is [MASK].`);
    expect(wrapped.inputIds).toEqual(reference.ids);
    expect(wrapped.maskPositions).toEqual([reference.tokens.indexOf('[MASK]')]);
  });

  it('cuts the note, not the template, to the window', () => {
    const bert = bertTokenizer();
    const t = new ManualTemplate({
      tokenizer: bert,
      text: '{"placeholder":"text_a"} The diagnosis is {"mask"}.',
      maxLength: 16,
    });
    const wrapped = t.wrap(note);
    const notePieces = bert.encode(note, null, { addSpecialTokens: false }).ids;
    const templatePieces = bert.encode('The diagnosis is [MASK].', null, { addSpecialTokens: false }).ids;
    expect(wrapped.inputIds).toEqual([
      101,
      ...notePieces.slice(0, 16 - 2 - templatePieces.length),
      ...templatePieces,
      102,
    ]);
    expect(wrapped.inputIds[wrapped.maskPositions[0]!]).toBe(103);
    const head = new ManualTemplate({
      tokenizer: bert,
      text: t.text,
      maxLength: 16,
      truncation: 'head',
    }).wrap(note);
    expect(head.inputIds.slice(1, 1 + 16 - 2 - templatePieces.length)).toEqual(
      notePieces.slice(-(16 - 2 - templatePieces.length)),
    );
  });
});
