/** Sentence-level evidence precision / recall of a system's predicted codes against gold evidence spans. */
import type { ClinicalNote, NotePrediction } from '@icd/core';
import {
  type CodeEvidenceSpans,
  type EvidenceSentenceScores,
  evidenceSentenceScores,
  sentenceSpans,
} from '@icd/metrics';
import type { BenchNote } from '../keybert/codiesp.js';
import { f3 } from './common.js';

export interface EvidenceFigures {
  /** Over the gold codes the system predicted (threshold), with spans: sentence P / R / F1. */
  readonly matched: EvidenceSentenceScores;
  /** Recall over every gold code with evidence (a missed code contributes its gold sentences). */
  readonly gold: EvidenceSentenceScores;
}

function score(
  documents: readonly { id: string; text: string; evidence: readonly CodeEvidenceSpans[] }[],
  predictions: readonly NotePrediction[],
): EvidenceFigures {
  const sentences = new Map(documents.map((doc) => [doc.id, sentenceSpans(doc.text)]));
  const gold = documents.flatMap((doc) => doc.evidence);
  const predicted: CodeEvidenceSpans[] = predictions.flatMap((prediction) =>
    prediction.ranked
      .filter((code) => code.predicted)
      .map((code) => ({ documentId: prediction.noteId, code: code.code, spans: code.evidence })),
  );
  return {
    matched: evidenceSentenceScores(gold, predicted, sentences, { pairs: 'matched' }),
    gold: evidenceSentenceScores(gold, predicted, sentences, { pairs: 'gold' }),
  };
}

/** CodiEsp X track: diagnosis evidence spans in the Spanish text of dev notes, predictions on that text. */
export const xTrackEvidence = (dev: readonly BenchNote[], predictions: readonly NotePrediction[]) =>
  score(
    dev.map((note) => ({
      id: note.id,
      text: note.es,
      evidence: note.evidence.map((row) => ({ documentId: note.id, code: row.code, spans: row.spans })),
    })),
    predictions,
  );

/** The synthetic cardiology corpus: the generator's evidence sentences of each note's true code. */
export const syntheticEvidence = (notes: readonly ClinicalNote[], predictions: readonly NotePrediction[]) =>
  score(
    notes.map((note) => ({
      id: note.id,
      text: note.text,
      evidence: (note.evidence ?? []).map((row) => ({
        documentId: note.id,
        code: row.code,
        spans: row.spans,
      })),
    })),
    predictions,
  );

export const evidenceHeader = [
  '| corpus | system | pairs scored | sentence precision | sentence recall | sentence F1 | macro P / R | recall over all gold codes |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];

export const evidenceRow = (corpus: string, system: string, figures: EvidenceFigures) =>
  `| ${corpus} | ${system} | ${figures.matched.pairs} | ${f3(figures.matched.precision)} | ${f3(figures.matched.recall)} | ${f3(figures.matched.f1)} | ${f3(figures.matched.macroPrecision)} / ${f3(figures.matched.macroRecall)} | ${f3(figures.gold.recall)} (${figures.gold.pairs} codes) |`;
