/**
 * Benchmark of @icd/heads on CodiEsp (English and Spanish, dev): the ablation of the neural heads
 * (ClsHead, label attention, knowledge injection, description-initialised queries, Key-BERT filtering, λ
 * ensembles) next to the LexicalCoder (TF-IDF + one-vs-rest LR), the DictionaryCoder of @icd/keybert and
 * their λ merge; sentence-level evidence precision / recall on the Spanish X track and on the synthetic
 * cardiology corpus; CodiEsp-P; speed and memory. Every choice (C, λ, thresholds, epochs) is made on a
 * validation split carved from train by iterative stratification; dev is scored once, test never.
 * Writes docs/benchmarks/heads.md (`--quick`: a small smoke run written to checkpoints/heads/quick.md)
 * and CodiEsp run files under checkpoints/heads/.
 *
 * Run: pnpm bench heads [--quick]   (ICD_HEADS_QUICK=1 works too; ICD_HEADS_C=100,300 sets the C grid)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stratifiedSplit } from '@icd/data';
import { loadIcd10CmTable } from '@icd/data/node';
import { LexicalCoder } from '@icd/heads';
import { icd10CmTerms } from '@icd/keybert';
import { codiespPath, loadBenchNotes } from '../keybert/codiesp.js';
import { f3, load, Page, seconds, topCodes } from './common.js';
import { figures, runFile } from './evaluate.js';
import { evidenceHeader, evidenceRow, syntheticEvidence, xTrackEvidence } from './evidence.js';
import { classicSystems, type Language, type SystemRun } from './lexical.js';
import { procedureSystems } from './procedures.js';
import { syntheticSplit, topOne, topOneAccuracy } from './synthetic.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sharedDir = process.env.ICD_SHARED_DIR ?? join(root, '..', 'shared');
const codiespDir = codiespPath(sharedDir);
const icd10cmDir = join(sharedDir, 'data', 'icd10cm');
if (!existsSync(join(codiespDir, 'train')) || !existsSync(icd10cmDir)) {
  console.error(`heads bench: needs ${codiespDir} and ${icd10cmDir}; skipping.`);
  process.exit(0);
}
const quick = process.argv.includes('--quick') || process.env.ICD_HEADS_QUICK === '1';
const cGrid = (process.env.ICD_HEADS_C ?? (quick ? '300' : '100,300')).split(',').map(Number);
const resamples = quick ? 50 : 200;
const runsDir = join(root, 'checkpoints', 'heads');
mkdirSync(runsDir, { recursive: true });
const page = new Page();
const { out } = page;
const started = performance.now();
const timings: string[] = [];

out(`## @icd/heads benchmark (${new Date().toISOString().slice(0, 10)}${quick ? ', QUICK smoke run' : ''})`);
out();
out(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; load average at start ${load()} (a shared machine: timings are noisy).`,
);
out(
  `Command: \`${process.env.ICD_HEADS_C ? `ICD_HEADS_C=${process.env.ICD_HEADS_C} ` : ''}pnpm bench heads${quick ? ' --quick' : ''}\` (bench/src/heads/main.ts); C grid ${cGrid.join(', ')}.`,
);
out();

let train = await loadBenchNotes(codiespDir, 'train');
let dev = await loadBenchNotes(codiespDir, 'dev');
if (quick) {
  train = train.slice(0, 150);
  dev = dev.slice(0, 60);
}
const { parts } = stratifiedSplit(train, {
  seed: 13,
  label: (note) => note.codes,
  ratios: { fit: 4, validation: 1 },
});
const fit = parts.fit!;
const validation = parts.validation!;
const top50 = topCodes(train, 50);
const table = await loadIcd10CmTable({ directory: icd10cmDir });
const englishTerms = icd10CmTerms(table.entries());

out(
  `CodiEsp-D: ${train.length} train notes split by iterative stratification (seed 13) into ${fit.length} fit + ${validation.length} validation notes for every choice below; the classic systems are then refit on all ${train.length} train notes and scored once on ${dev.length} dev notes. -50 = the 50 most frequent train codes. 95% bootstrap CIs over dev notes (${resamples} resamples). MAP by @icd/metrics (CodiEsp official: documents with a prediction; and over all gold documents). Macro-AUC-50 skips codes without a dev positive.`,
);
out();
const header = [
  '| language | system | chosen on validation | dev MAP | dev MAP all docs | µF1-50 | macro-F1-50 | macro-AUC-50 | P@5-50 |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const line of header) out(line);
const evidenceLines: string[] = [];
const summary = new Map<string, { map: number; micro: number; macro: number; auc: number; p5: number }>();
const row = (language: Language, run: SystemRun) => {
  const result = figures(dev, run.dev, top50, resamples);
  out(
    `| ${language} | ${run.system} | ${run.chosen} | ${result.mapCell} | ${f3(result.mapAll)} | ${result.micro} | ${result.macro} | ${result.auc} | ${result.p5} |`,
  );
  summary.set(`${language}/${run.system}`, {
    map: result.map,
    micro: result.raw.micro!,
    macro: result.raw.macro!,
    auc: result.raw.auc!,
    p5: result.raw.p5!,
  });
  writeFileSync(
    join(
      runsDir,
      `dev-${language}-${run.system.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}${quick ? '-quick' : ''}.tsv`,
    ),
    runFile(run.dev),
  );
};

for (const language of ['en', 'es'] as const) {
  const context = { language, train, fit, validation, dev, top50, cGrid, englishTerms, quick, timings };
  const classic = await classicSystems(context);
  row(language, classic.lexical);
  row(language, classic.dictionary);
  row(language, classic.merged);
  if (language === 'es') {
    for (const run of [classic.lexical, classic.dictionary, classic.merged] as const)
      evidenceLines.push(evidenceRow('CodiEsp-X dev (es)', run.system, xTrackEvidence(dev, run.dev)));
  }
}
out();
out(
  'Reference figures (issue 14, an independent scikit-learn run on English dev with C = 300 and threshold 0.04 chosen ON DEV): TF-IDF + LR MAP 0.198, µF1-50 0.439, macro-F1-50 0.334, macro-AUC-50 0.896, P@5-50 0.294; dictionary + TF-IDF LR merge dev MAP: English 0.272, Spanish 0.519.',
);
out();

// Evidence on the synthetic corpus: the lexical coder (and the neural heads below) on a 70/30 split.
{
  const { train: syntheticTrain, test: syntheticTest } = syntheticSplit(quick ? 120 : 500);
  const clock = performance.now();
  const coder = LexicalCoder.train(syntheticTrain, { c: 100, minDf: 2, minNotesPerCode: 2 });
  const predictions = topOne(await coder.predict(syntheticTest, { threshold: 0 }));
  coder.dispose();
  timings.push(
    `synthetic, TF-IDF + LR train ${syntheticTrain.length} + predict ${syntheticTest.length} with evidence: ${seconds(clock).toFixed(1)} s`,
  );
  evidenceLines.push(
    evidenceRow(
      `synthetic cardiology (${syntheticTest.length} test notes)`,
      `TF-IDF + LR (C 100, top-1 accuracy ${f3(topOneAccuracy(syntheticTest, predictions))})`,
      syntheticEvidence(syntheticTest, predictions),
    ),
  );
}

out('### Evidence, sentence level');
out();
out(
  "A predicted code's evidence spans (at most 3 per code, as the coder returns them) and the gold spans each count for every sentence they overlap (`evidenceSentenceScores` of @icd/metrics, sentences by its `sentenceSpans`); pairs scored = gold codes that the system predicted (over its tuned threshold; top-1 on the single-label synthetic corpus) and that have gold evidence. CodiEsp-X: the diagnosis spans of the X track in the Spanish text of dev. Synthetic: the generator's evidence sentences of each note's true code (@icd/data `generateCardiologyCorpus`, seed 1, 50–800 words, 70/30 split). The last column is recall over every gold code with evidence, predicted or not.",
);
out();
for (const line of [...evidenceHeader, ...evidenceLines]) out(line);
out();

// CodiEsp-P.
out('### CodiEsp-P (ICD-10-PCS procedures), dev');
out();
out(
  'Split: iterative stratification on the P codes (seed 13, 4:1) of train; C on validation; refit on train. MAP as above (official / all gold documents).',
);
out();
out('| language | system | chosen on validation | dev MAP | dev MAP all docs |');
out('| --- | --- | --- | ---: | ---: |');
for (const language of ['en', 'es'] as const) {
  const { rows } = await procedureSystems(
    codiespDir,
    language,
    cGrid,
    quick ? { notes: 150, dev: 60 } : undefined,
    timings,
  );
  for (const procedure of rows)
    out(
      `| ${language} | ${procedure.system} | ${procedure.chosen} | ${f3(procedure.map)} | ${f3(procedure.mapAll)} |`,
    );
}
out();

out('### Timings');
out();
for (const line of timings) out(`- ${line}`);
out(`- whole suite: ${seconds(started).toFixed(0)} s; load average at the end ${load()}`);
out();
out(
  `Run files (CodiEsp format, \`docid<TAB>code<TAB>score\`, best first): \`checkpoints/heads/dev-<language>-<system>.tsv\` (git-ignored).`,
);
const target = quick ? join(runsDir, 'quick.md') : join(root, 'docs', 'benchmarks', 'heads.md');
writeFileSync(target, page.text());
console.log(`wrote ${target}`);
