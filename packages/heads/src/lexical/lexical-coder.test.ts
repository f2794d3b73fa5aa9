import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { LexicalCoder } from './lexical-coder.js';

const notes = [
  { text: 'Known atrial fibrillation on apixaban.', codes: ['I48.91'] },
  { text: 'Atrial fibrillation, rate controlled.', codes: ['I48.91', 'I10'] },
  { text: 'Essential hypertension on lisinopril.', codes: ['I10'] },
  { text: 'Hypertension, well controlled today.', codes: ['I10'] },
  { text: 'Type 2 diabetes on metformin.', codes: ['E11.9'] },
  { text: 'Diabetes follow up, metformin continued.', codes: ['E11.9', 'Z00.0'] },
];

describe('LexicalCoder', () => {
  const coder = LexicalCoder.train(notes, { c: 100, minDf: 1, threshold: 0.4 });

  it('learns codes with at least minNotesPerCode notes, sorted', () => {
    expect(coder.labels).toEqual(['E11.9', 'I10', 'I48.91']);
  });

  it('ranks the right code first, with probabilities and keyword evidence at note offsets', async () => {
    const text = 'Now in atrial fibrillation again.';
    const [prediction] = await coder.predict([{ id: 'n1', text }]);
    const top = prediction!.ranked[0]!;
    expect(top.code).toBe('I48.91');
    expect(top.predicted).toBe(true);
    expect(prediction!.ranked.map((code) => code.score)).toEqual(
      [...prediction!.ranked.map((code) => code.score)].sort((a, b) => b - a),
    );
    expect(top.evidence.length).toBeGreaterThan(0);
    for (const span of top.evidence) {
      expect(span.source).toBe('keyword');
      expect(text.slice(span.start, span.end)).toBe(span.text);
      expect(span.score).toBeGreaterThan(0);
    }
    expect(prediction!.evidenceSource).toBe('keyword');
    // Codes below the threshold carry no evidence.
    for (const code of prediction!.ranked.filter((entry) => !entry.predicted))
      expect(code.evidence).toEqual([]);
  });

  it('honours topK, threshold, evidence: false and per-code thresholds', async () => {
    const [limited] = await coder.predict([{ id: 'n', text: 'hypertension' }], { topK: 1, evidence: false });
    expect(limited!.ranked).toHaveLength(1);
    expect(limited!.ranked[0]!.evidence).toEqual([]);
    const [strict] = await coder.predict([{ id: 'n', text: 'hypertension' }], { threshold: 1.1 });
    expect(strict!.ranked.every((code) => !code.predicted && code.threshold === 1.1)).toBe(true);
    const perCode = coder.withThresholds([0, 2, 2]);
    const [mixed] = await perCode.predict([{ id: 'n', text: 'hypertension' }]);
    expect(mixed!.ranked.find((code) => code.code === 'E11.9')!.predicted).toBe(true);
    expect(mixed!.ranked.find((code) => code.code === 'I10')!.predicted).toBe(false);
    expect(() => coder.withThresholds([0.1, 0.2])).toThrow(InvalidArgumentError);
  });

  it('scores match predict and survive a JSON round trip', async () => {
    const texts = ['atrial fibrillation', 'metformin', ''];
    const restored = LexicalCoder.fromJSON(JSON.parse(JSON.stringify(coder.toJSON())));
    expect(restored.labels).toEqual(coder.labels);
    expect([...restored.scores(texts).data]).toEqual([...coder.scores(texts).data]);
    const [prediction] = await restored.predict([{ id: 'x', text: 'metformin' }]);
    const row = coder.scores(['metformin']).data;
    expect(prediction!.ranked.find((code) => code.code === 'E11.9')!.score).toBe(row[0]);
  });

  it('keeps a never-predict (Infinity) threshold through JSON, and rejects bad thresholds and labels', async () => {
    const never = coder.withThresholds(coder.labels.map((_, i) => (i === 0 ? Number.POSITIVE_INFINITY : 0)));
    const json = JSON.parse(JSON.stringify(never.toJSON()));
    expect(json.thresholds[0]).toBeNull();
    const restored = LexicalCoder.fromJSON(json);
    expect(restored.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
    const [prediction] = await restored.predict([{ id: 'x', text: 'atrial fibrillation' }]);
    expect(prediction!.ranked.find((code) => code.code === coder.labels[0])!.predicted).toBe(false);
    expect(prediction!.ranked.filter((code) => code.predicted).length).toBe(coder.labels.length - 1);
    expect(() => coder.withThresholds(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => coder.withThresholds([0.5, Number.NaN, 0.5, 0.5])).toThrow(InvalidArgumentError);
    const base = coder.toJSON();
    for (const broken of [
      { ...base, labels: [base.labels[0], base.labels[0], ...base.labels.slice(2)] },
      { ...base, labels: [] },
      { ...base, thresholds: [0.1, 0.2] },
      { ...base, thresholds: ['0.5'] },
      { ...base, support: undefined },
    ])
      expect(() => LexicalCoder.fromJSON(broken as never)).toThrow(DataFormatError);
  });

  it('rejects bad input and aborted calls', async () => {
    expect(() => LexicalCoder.train([])).toThrow(InvalidArgumentError);
    expect(() => LexicalCoder.train([{ text: 'a', codes: ['X'] }])).toThrow(InvalidArgumentError);
    expect(() => LexicalCoder.fromJSON({} as never)).toThrow(/icd-lexical-coder/);
    await expect(coder.predict([{ id: 1 } as never])).rejects.toThrow(InvalidArgumentError);
    await expect(coder.predict([{ id: 'a', text: 'b' }], { topK: 0 })).rejects.toThrow(InvalidArgumentError);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(coder.predict([{ id: 'a', text: 'b' }], { signal: controller.signal })).rejects.toThrow(
      'stop',
    );
  });
});
