import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { codePriors, DictionaryCoder } from './dictionary-coder.js';

const terms = [
  { code: 'I48.91', term: 'atrial fibrillation' },
  { code: 'I10', term: 'hypertension' },
  { code: 'J18.9', term: 'pneumonia' },
  { code: 'R50.9', term: 'fever', weight: 0.5 },
];

describe('DictionaryCoder', () => {
  it('ranks codes by match strength, then prior, with each match as evidence (original offsets)', async () => {
    const coder = new DictionaryCoder({
      terms,
      priors: new Map([
        ['J18.9', 0.5],
        ['I10', 0.2],
      ]),
    });
    const text =
      'Hypertension. Atrial fibrillation, then atrial fibrillation again. Fever. No evidence of pneumonia.';
    const [prediction] = await coder.predict([{ id: 'n1', text }]);
    expect(prediction!.noteId).toBe('n1');
    expect(prediction!.evidenceSource).toBe('dictionary');
    const ranked = prediction!.ranked;
    expect(ranked.map((c) => c.code)).toEqual(['I48.91', 'I10', 'R50.9', 'J18.9']);
    // strength 2 → (1 - 0.01)(1 - e^-2); strength 1 + prior 0.2; strength 0.5; negated: 0 + prior 0.5.
    expect(ranked[0]!.score).toBeCloseTo(0.99 * (1 - Math.exp(-2)), 12);
    expect(ranked[1]!.score).toBeCloseTo(0.99 * (1 - Math.exp(-1)) + 0.01 * 0.2, 12);
    expect(ranked[2]!.score).toBeCloseTo(0.99 * (1 - Math.exp(-0.5)), 12);
    expect(ranked[3]!.score).toBeCloseTo(0.01 * 0.5, 12);
    expect(ranked.map((c) => c.predicted)).toEqual([true, true, false, false]);
    expect(ranked[0]!.evidence.map((e) => [e.start, e.end, e.text])).toEqual([
      [14, 33, 'Atrial fibrillation'],
      [40, 59, 'atrial fibrillation'],
    ]);
    expect(ranked[3]!.evidence[0]).toMatchObject({
      text: 'pneumonia',
      negated: true,
      score: 0,
      source: 'dictionary',
    });
    expect(text.slice(ranked[3]!.evidence[0]!.start, ranked[3]!.evidence[0]!.end)).toBe('pneumonia');
  });

  it('honours topK, threshold, evidence: false, maxEvidence, includeUnmatched and the label list', async () => {
    const coder = new DictionaryCoder({ terms, includeUnmatched: true, priors: new Map([['E11.9', 0.3]]) });
    expect(coder.labels).toEqual(['I48.91', 'I10', 'J18.9', 'R50.9', 'E11.9']);
    const [prediction] = await coder.predict([{ id: 'n', text: 'fever' }], {
      topK: 2,
      threshold: 0.1,
      evidence: false,
    });
    expect(prediction!.ranked.map((c) => [c.code, c.predicted, c.evidence.length])).toEqual([
      ['R50.9', true, 0],
      ['E11.9', false, 0],
    ]);
    expect(prediction!.evidenceSource).toBe('none');
    const [one] = await coder.predict([{ id: 'n', text: 'fever fever fever' }], { maxEvidence: 1 });
    expect(one!.ranked[0]!.evidence).toHaveLength(1);
  });

  it("counts nested phrases with overlap: 'all'", async () => {
    const nested = [...terms, { code: 'I48.0', term: 'paroxysmal atrial fibrillation' }];
    const text = 'Paroxysmal atrial fibrillation.';
    const [longest] = await new DictionaryCoder({ terms: nested }).predict([{ id: 'n', text }]);
    expect(longest!.ranked.map((c) => c.code)).toEqual(['I48.0']);
    const [all] = await new DictionaryCoder({ terms: nested, overlap: 'all' }).predict([{ id: 'n', text }]);
    expect(all!.ranked.map((c) => [c.code, c.evidence[0]!.text])).toEqual([
      ['I48.91', 'atrial fibrillation'],
      ['I48.0', 'Paroxysmal atrial fibrillation'],
    ]);
    expect(() => new DictionaryCoder({ terms, overlap: 'some' as never })).toThrow(InvalidArgumentError);
  });

  it('restricts the label space to the given labels', async () => {
    const coder = new DictionaryCoder({ terms, labels: ['r50.9', 'E11.9'] });
    expect(coder.labels).toEqual(['R50.9', 'E11.9']);
    const [prediction] = await coder.predict([{ id: 'n', text: 'fever and hypertension' }]);
    expect(prediction!.ranked.map((c) => c.code)).toEqual(['R50.9']);
  });

  it('rejects bad options, bad notes and an aborted signal', async () => {
    expect(() => new DictionaryCoder({ terms, priorWeight: 2 })).toThrow(InvalidArgumentError);
    expect(() => new DictionaryCoder(undefined as never)).toThrow(InvalidArgumentError);
    const coder = new DictionaryCoder({ terms });
    await expect(coder.predict([{ id: 1 } as never])).rejects.toThrow(InvalidArgumentError);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(coder.predict([{ id: 'n', text: 'fever' }], { signal: controller.signal })).rejects.toThrow(
      'stop',
    );
    await expect(coder.predict([{ id: 'n', text: 'fever' }], { threshold: Number.NaN })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects when the signal aborts from a timer during a long batch', async () => {
    const coder = new DictionaryCoder({ terms });
    const notes = Array.from({ length: 20_000 }, (_, index) => ({
      id: String(index),
      text: 'fever and hypertension. '.repeat(20),
    }));
    const controller = new AbortController();
    const running = coder.predict(notes, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('late stop')), 0);
    await expect(running).rejects.toThrow('late stop');
  });
});

describe('codePriors', () => {
  it("is each code's share of notes", () => {
    expect(codePriors([{ codes: ['I10'] }, { codes: ['i10', 'E11.9', 'E11.9'] }])).toEqual(
      new Map([
        ['I10', 1],
        ['E11.9', 0.5],
      ]),
    );
  });
});
