import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { LabelSpace } from './label-space.js';

// Hand-counted: I48.0 in 3 notes, I10 in 2 (twice in note 1 counts once), R52 in 2, I21.9 in 1.
const notes = [
  { codes: ['I48.0', 'I10', 'I10'] },
  { codes: ['I48.0', 'R52'] },
  { codes: ['I48.0', 'I21.9', 'R52'] },
  { codes: ['I10'] },
];

describe('LabelSpace', () => {
  it('orders codes by note frequency, ties by code', () => {
    const space = LabelSpace.fromNotes(notes);
    expect(space.codes).toEqual(['I48.0', 'I10', 'R52', 'I21.9']);
    expect(Array.from(space.frequencies)).toEqual([3, 2, 2, 1]);
    expect([space.indexOf('R52'), space.indexOf('Z99.9'), space.codeAt(3), space.frequency('I10')]).toEqual([
      2,
      -1,
      'I21.9',
      2,
    ]);
  });

  it('selects the top k (as MIMIC-III-50 keeps the 50 most frequent training codes) and a minimum frequency', () => {
    expect(LabelSpace.fromNotes(notes, { topK: 2 }).codes).toEqual(['I48.0', 'I10']);
    expect(LabelSpace.fromNotes(notes).topK(3).codes).toEqual(['I48.0', 'I10', 'R52']);
    expect(LabelSpace.fromNotes(notes, { minFrequency: 2 }).codes).toEqual(['I48.0', 'I10', 'R52']);
  });

  it('multi-hot encodes and reports unseen codes instead of dropping them', () => {
    const space = LabelSpace.fromNotes(notes, { topK: 3 });
    const { vector, unseen } = space.encode(['R52', 'I21.9', 'I48.0']);
    expect(vector).toBeInstanceOf(Uint8Array);
    expect(Array.from(vector)).toEqual([1, 0, 1]);
    expect(unseen).toEqual(['I21.9']);
    const batch = space.encodeBatch([{ codes: ['I10'] }, { codes: ['Z00.0', 'I48.0'] }]);
    expect(batch.shape).toEqual([2, 3]);
    expect(Array.from(batch.data)).toEqual([0, 1, 0, 1, 0, 0]);
    expect(batch.unseen).toEqual([{ row: 1, code: 'Z00.0' }]);
  });

  it('decodes scores with a threshold and round-trips through JSON', () => {
    const space = new LabelSpace(['A', 'B', 'C'], [5, 3, 1]);
    expect(space.decode([0.9, 0.2, 0.5])).toEqual(['A', 'C']);
    expect(space.decode(new Float32Array([0.9, 0.2, 0.5]), 0.6)).toEqual(['A']);
    const copy = LabelSpace.fromJSON(JSON.parse(JSON.stringify(space)));
    expect([copy.codes, Array.from(copy.frequencies)]).toEqual([
      ['A', 'B', 'C'],
      [5, 3, 1],
    ]);
  });

  it('rejects bad input', () => {
    expect(() => new LabelSpace(['A', 'A'])).toThrow(InvalidArgumentError);
    expect(() => new LabelSpace(['A'], [1, 2])).toThrow("Argument 'frequencies'");
    expect(() => LabelSpace.fromNotes(notes, { topK: 0 })).toThrow(
      "Argument 'topK' passed to 'LabelSpace.fromNotes' must be an integer >= 1, got 0",
    );
    expect(() => new LabelSpace(['A']).decode([1, 2])).toThrow(InvalidArgumentError);
    expect(() => new LabelSpace(['A']).codeAt(1)).toThrow(InvalidArgumentError);
  });
});
