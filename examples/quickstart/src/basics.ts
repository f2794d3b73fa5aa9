/**
 * The main job on the embedded default, end to end with what is built so far:
 *
 *   synthetic cardiology notes (@icd/data) → de-identification → stratified 3:1:1 split →
 *   a clinical WordPiece vocabulary trained on the training notes (@icd/tokenizer) →
 *   a TF-IDF nearest-centroid coder over WordPiece ids → metrics with a bootstrap interval (@icd/metrics)
 *
 * and, when ../shared/data/codiesp is beside the checkout, the CodiEsp-D dev baseline scored with the
 * shared task's MAP (see score-codiesp.ts). The BERT-based coders replace the TF-IDF step in later waves.
 *
 * Run: `pnpm --filter @icd/example-quickstart basics` (the pipeline main job is main.ts, `pnpm start`).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClinicalNote } from '@icd/core';
import { generateCardiologyCorpus, MDR_BERT_CODES, redactPhi, stratifiedSplit } from '@icd/data';
import {
  accuracyScore,
  bootstrapConfidenceInterval,
  classificationReport,
  macroF1FromMacroPrecisionRecall,
  macroF1PerLabelMean,
  rocAucScoreDetails,
} from '@icd/metrics';
import { WordPieceTrainer } from '@icd/tokenizer';
import { runCodiespBaseline } from './codiesp-baseline.js';
import { centroid, cosine, TfIdf } from './tf-idf.js';

const seed = 13;
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);

// 1. Data: a seeded synthetic corpus, clearly labelled as such in every note.
const corpus = generateCardiologyCorpus({ size: 1500, seed, labelNoise: 0.05 });
const redacted = corpus.map((note) => ({ ...note, text: redactPhi(note.text).text }));
const phiSpans = corpus.reduce((count, note) => count + redactPhi(note.text).spans.length, 0);
const { parts, report } = stratifiedSplit(redacted, {
  seed,
  label: (note: ClinicalNote) => note.codes[0]!,
  ratios: { train: 3, validation: 1, test: 1 },
});
const train = parts.train!;
const test = parts.test!;
console.log(
  `[${seconds()} s] ${corpus.length} synthetic notes (de-identified: ${phiSpans} identifier spans replaced)`,
);
console.log(`split: train ${train.length}, validation ${parts.validation!.length}, test ${test.length}`);
console.log(
  `every code keeps its share in every part (largest gap ${maxShareGap(report).toFixed(1)} percentage points)`,
);

// 2. A domain vocabulary trained on the training notes only (BERT-XML trains its own EHR vocabulary).
const vocabulary = await new WordPieceTrainer({ vocabSize: 3000, minFrequency: 2 }).train(
  train.map((note) => note.text),
);
const tokenizer = vocabulary.toTokenizer();
const pieces = (note: ClinicalNote) => tokenizer.encode(note.text, null, { addSpecialTokens: false }).ids;
console.log(`[${seconds()} s] trained a ${tokenizer.vocabSize}-token WordPiece vocabulary`);

// 3. A nearest-centroid coder over TF-IDF of WordPiece ids.
const classes = MDR_BERT_CODES.map((entry) => entry.code);
const tfIdf = new TfIdf(train.map(pieces));
const centroids = classes.map((code) =>
  centroid(train.filter((note) => note.codes[0] === code).map((note) => tfIdf.vector(pieces(note)))),
);
// Cosines are centred per note: a long, generic note is close to every centroid, and ranking notes by raw
// cosine for one code (what ROC-AUC does) would measure that instead of the code. The argmax is unchanged.
const scores = test.map((note) => {
  const vector = tfIdf.vector(pieces(note));
  const similarities = centroids.map((c) => cosine(vector, c));
  const mean = similarities.reduce((sum, value) => sum + value, 0) / similarities.length;
  return similarities.map((value) => value - mean);
});
const gold = test.map((note) => note.codes[0]!);
const predicted = scores.map((row) => classes[row.indexOf(Math.max(...row))]!);

// 4. Metrics, as the papers report them.
const accuracy = bootstrapConfidenceInterval(
  test.length,
  (indices) =>
    accuracyScore(
      Array.from(indices, (i) => gold[i]!),
      Array.from(indices, (i) => predicted[i]!),
    ),
  { seed, resamples: 1000 },
);
const oneHot = gold.map((code) => classes.map((c) => (c === code ? 1 : 0)));
const auc = rocAucScoreDetails(oneHot, scores, { average: 'macro', undefinedLabels: 'skip' });
console.log(
  `[${seconds()} s] test accuracy ${accuracy.estimate.toFixed(3)} (95% CI ${accuracy.lower.toFixed(3)}–${accuracy.upper.toFixed(3)})`,
);
console.log(
  `macro-F1 (mean of per-class F1) ${macroF1PerLabelMean(gold, predicted, { labels: classes }).toFixed(3)}`,
);
console.log(
  `macro-F1 (harmonic mean of macro-P and macro-R) ${macroF1FromMacroPrecisionRecall(gold, predicted, { labels: classes }).toFixed(3)}`,
);
console.log(
  `macro ROC-AUC ${auc.score.toFixed(3)} (labels without positives: ${auc.undefinedLabels}, ${auc.skippedLabels.length} skipped)`,
);
console.log(classificationReport(gold, predicted, { labels: classes, digits: 3, zeroDivision: 0 }));

// 5. CodiEsp, when the shared data is present.
const shared = resolve(
  process.env.ICD_SHARED_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared'),
);
if (existsSync(resolve(shared, 'data/codiesp/dev/devD.tsv'))) {
  await runCodiespBaseline(shared);
} else {
  console.log(`CodiEsp not found under ${shared}: skipped the CodiEsp dev scoring (set ICD_SHARED_DIR).`);
}
console.log(`[${seconds()} s] done`);

/** The largest difference, over codes and parts, between a code's share in a part and in the whole corpus. */
function maxShareGap(splitReport: typeof report): number {
  const total = splitReport.sizes.reduce((sum, size) => sum + size, 0);
  let gap = 0;
  for (const row of splitReport.labels) {
    for (const proportion of row.proportions) gap = Math.max(gap, Math.abs(proportion - row.total / total));
  }
  return gap * 100;
}
