import type { NotePrediction } from '@icd/core';
import { InvalidArgumentError } from '@icd/core';
import { meanAveragePrecision } from '@icd/metrics';
import { describe, expect, it } from 'vitest';
import { toCodiespRun, toJson, toJsonl } from './to-json.js';

const span = { start: 0, end: 2, text: 'AF', score: 0.5, source: 'dictionary' as const };
const predictions: NotePrediction[] = [
  {
    noteId: 'S0001',
    evidenceSource: 'dictionary',
    ranked: [
      { code: 'I48.91', score: 0.9, threshold: 0.5, predicted: true, evidence: [span] },
      { code: 'R07.9', score: 0.2, threshold: 0.5, predicted: false, evidence: [] },
    ],
  },
  {
    noteId: 'S0002',
    evidenceSource: 'none',
    ranked: [
      { code: 'J18.9', score: 0.6, threshold: 0.5, predicted: true, evidence: [] },
      { code: 'I10', score: 0.55, threshold: 0.5, predicted: true, evidence: [] },
    ],
  },
];

describe('toCodiespRun', () => {
  it('writes docid<TAB>code<TAB>score rows, best first, that the shared task scores as ranked', () => {
    const run = toCodiespRun(predictions);
    expect(run).toBe('S0001\tI48.91\t0.9\nS0001\tR07.9\t0.2\nS0002\tJ18.9\t0.6\nS0002\tI10\t0.55\n');
    // Read back as the official script does (first two columns, in file order) and scored:
    // gold S0001 {r07.9}: AP = 1/2; S0002 {i10}: AP = 1/2 → MAP 0.5.
    const ranked: Record<string, string[]> = {};
    for (const line of run.trim().split('\n')) {
      const [doc, code] = line.split('\t');
      (ranked[doc!] ??= []).push(code!);
    }
    expect(meanAveragePrecision({ S0001: ['r07.9'], S0002: ['i10'] }, ranked)).toBeCloseTo(0.5, 12);
    expect(toCodiespRun(predictions, { predictedOnly: true, topK: 1 })).toBe(
      'S0001\tI48.91\t0.9\nS0002\tJ18.9\t0.6\n',
    );
  });

  it('refuses ids that would break the format', () => {
    expect(() => toCodiespRun([{ ...predictions[0]!, noteId: 'a\tb' }])).toThrow(InvalidArgumentError);
    expect(() => toCodiespRun('x' as never)).toThrow(InvalidArgumentError);
  });
});

describe('toJson / toJsonl', () => {
  it('write codes, scores, thresholds, predicted flags, evidence and its source', () => {
    const lines = toJsonl(predictions).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      noteId: 'S0001',
      evidenceSource: 'dictionary',
      codes: [
        { code: 'I48.91', score: 0.9, threshold: 0.5, predicted: true, evidence: [span] },
        { code: 'R07.9', score: 0.2, threshold: 0.5, predicted: false, evidence: [] },
      ],
    });
    expect(JSON.parse(toJson(predictions, { predictedOnly: true }))[0].codes).toHaveLength(1);
    expect(() => toJson([{ noteId: 1 } as never])).toThrow(InvalidArgumentError);
  });
});
