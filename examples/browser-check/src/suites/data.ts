import type { ClinicalNote } from '@icd/core';
import {
  generateCardiologyCorpus,
  LabelSpace,
  normalizeIcd10Code,
  redactPhi,
  stratifiedSplit,
} from '@icd/data';
import { rocAucScore } from '@icd/metrics';
import { type Json, numbers, type SuiteEnvironment } from '../suite.js';

/** Normalised codes that Node's results must also show. */
export const anchors: Record<string, Json> = { normalizedCodes: ['I48.0', 'I10', 'E11.9'] };

/** @icd/data's in-memory half: synthetic corpus, de-identification, splits, labels, code normalisation. */
export async function run(_environment: SuiteEnvironment): Promise<Record<string, Json>> {
  const corpus = generateCardiologyCorpus({ size: 60, seed: 3, labelNoise: 0.05 });
  const { parts, report } = stratifiedSplit(corpus, {
    seed: 5,
    label: (note: ClinicalNote) => note.codes[0]!,
    ratios: { train: 3, test: 1 },
  });
  const labels = LabelSpace.fromNotes(corpus);
  const test = parts.test ?? [];
  const targets = labels.encodeBatch(test);
  const scores = {
    data: Float32Array.from(targets.data, (value, index) => value * 0.6 + ((index * 7) % 10) / 25),
    shape: targets.shape,
  };
  const redacted = redactPhi('Patient John Smith, MRN 1234567, seen on 2023-03-12 at 555-123-4567.');
  return {
    normalizedCodes: ['i48.0', 'I10', 'e119'].map(normalizeIcd10Code),
    noteIds: corpus.map((note) => note.id),
    firstNote: corpus[0]!.text,
    codes: corpus.map((note) => [...note.codes]),
    partSizes: Object.fromEntries(Object.entries(parts).map(([name, notes]) => [name, notes.length])),
    testIds: test.map((note) => note.id),
    reportLabels: Object.keys(report).length,
    labelCodes: [...labels.codes],
    targetShape: [...targets.shape],
    targets: numbers(targets.data),
    microAuc: rocAucScore(targets, scores, { average: 'micro' }),
    redacted: redacted.text,
    redactedSpans: redacted.spans.map((span) => ({ ...span }) as unknown as Json),
  };
}
