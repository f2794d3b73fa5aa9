import type { NotePrediction } from '@icd/core';
import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { writeCodiespRun } from './write-codiesp-run.js';

const code = (name: string, score: number, predicted: boolean) => ({
  code: name,
  score,
  threshold: 0.5,
  predicted,
  evidence: [],
});
const predictions: NotePrediction[] = [
  {
    noteId: 'S0004-06142005000500011-1',
    evidenceSource: 'none',
    ranked: [code('I21.9', 0.91, true), code('R07.9', 0.125, false)],
  },
  { noteId: 'S1130-01082009000400014-1', evidenceSource: 'none', ranked: [code('J18.9', 0.5, true)] },
];

describe('writeCodiespRun', () => {
  it('writes docid<TAB>code<TAB>score rows, documents in order, codes best first', () => {
    expect(writeCodiespRun(predictions)).toBe(
      'S0004-06142005000500011-1\tI21.9\t0.91\nS0004-06142005000500011-1\tR07.9\t0.125\nS1130-01082009000400014-1\tJ18.9\t0.5\n',
    );
    expect(writeCodiespRun(predictions, { predictedOnly: true })).toBe(
      'S0004-06142005000500011-1\tI21.9\t0.91\nS1130-01082009000400014-1\tJ18.9\t0.5\n',
    );
    expect(writeCodiespRun([])).toBe('');
  });

  it('refuses ids with tabs, unranked codes and non-predictions', () => {
    expect(() => writeCodiespRun([{ ...predictions[0]!, noteId: 'a\tb' }])).toThrow(/noteId/);
    expect(() =>
      writeCodiespRun([{ ...predictions[0]!, ranked: [code('A', 0.1, false), code('B', 0.2, false)] }]),
    ).toThrow(/best first/);
    expect(() => writeCodiespRun([null as unknown as NotePrediction])).toThrow(/predictions\[0\]/);
    expect(() =>
      writeCodiespRun([{ ...predictions[0]!, ranked: [code('A', 0.2, true), code('A', 0.1, false)] }]),
    ).toThrow(/already ranked/);
  });

  it('refuses a document given twice and scores that are not finite numbers', () => {
    // Two entries for one docid would put that document's codes twice in the official script's ranking.
    const again = { ...predictions[1]!, noteId: predictions[0]!.noteId };
    expect(() => writeCodiespRun([predictions[0]!, again])).toThrow(InvalidArgumentError);
    expect(() => writeCodiespRun([predictions[0]!, again])).toThrow(/predictions\[1\]\.noteId/);
    for (const score of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => writeCodiespRun([{ ...predictions[0]!, ranked: [code('A', score, true)] }])).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
