/**
 * Benchmark of @icd/data: load + normalise the whole CodiEsp corpus (every split, both languages) and
 * redact it; redactPhi side by side with redact-pii and @coffeeandfun/remove-pii on the same notes;
 * de-identification recall / precision / fact survival on the planted test sets; a naive Bayes baseline
 * on the synthetic cardiology corpus. Writes docs/benchmarks/data.md.
 *
 * Run: pnpm bench data
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClinicalNote } from '@icd/core';
import {
  evaluateRedaction,
  formatSplitReport,
  generateCardiologyCorpus,
  parsePlantedNotes,
  redactPhi,
  stratifiedSplit,
} from '@icd/data';
import { loadCodiesp, loadCsv, loadJsonl } from '@icd/data/node';
// The same baseline the package's tests assert on (packages/data/test is test support, not published).
import { naiveBayesAccuracy } from '../../../packages/data/test/naive-bayes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sharedDir = process.env.ICD_SHARED_DIR ?? join(root, '..', 'shared');
const codiespDir = join(sharedDir, 'data', 'codiesp');
const dataPackage = join(root, 'packages', 'data');
// The comparison libraries are devDependencies of @icd/data; resolve them from there.
const requireFromData = createRequire(join(dataPackage, 'package.json'));
const { SyncRedactor } = requireFromData('redact-pii') as {
  SyncRedactor: new () => { redact(text: string): string };
};
const { removePII } = (await import(
  pathToFileURL(requireFromData.resolve('@coffeeandfun/remove-pii')).href
)) as {
  removePII: (text: string) => string;
};

const lines: string[] = [];
const out = (line = '') => {
  console.log(line);
  lines.push(line);
};
const megabytes = (texts: readonly string[]) =>
  texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 1e6;
const fixed = (value: number, digits = 3) => value.toFixed(digits);

out(`## @icd/data benchmark (${new Date().toISOString().slice(0, 10)})`);
out();
out(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}.`,
);
out(
  'Command: `pnpm bench data` (bench/src/data/main.ts). Timings on a shared machine are noisy; compare ratios within one run.',
);
out(
  `Load average at the start (1, 5, 15 min): ${loadavg()
    .map((value) => value.toFixed(1))
    .join(', ')} on ${cpus().length} cores.`,
);
out();

// 1. CodiEsp: load + normalise everything, then redact it.
const notes: ClinicalNote[] = [];
if (existsSync(join(codiespDir, 'train'))) {
  out('### Loading and normalising CodiEsp (all splits, English and Spanish)');
  out();
  out('| split | language | track | notes | codes | MB | seconds | notes/s | MB/s |');
  out('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  let totalSeconds = 0;
  for (const split of ['train', 'dev', 'test', 'background'] as const) {
    for (const language of ['en', 'es'] as const) {
      const track = split === 'train' || split === 'dev' ? 'X' : 'D';
      const started = performance.now();
      const loaded: ClinicalNote[] = [];
      for await (const note of loadCodiesp(codiespDir, { split, track, language })) loaded.push(note);
      const seconds = (performance.now() - started) / 1000;
      totalSeconds += seconds;
      notes.push(...loaded);
      const size = megabytes(loaded.map((note) => note.text));
      const codes = loaded.reduce((sum, note) => sum + note.codes.length, 0);
      out(
        `| ${split} | ${language} | ${track} | ${loaded.length} | ${codes} | ${fixed(size, 2)} | ${fixed(seconds, 2)} | ${(loaded.length / seconds).toFixed(0)} | ${fixed(size / seconds, 1)} |`,
      );
    }
  }
  const totalMegabytes = megabytes(notes.map((note) => note.text));
  out(
    `| **all** | | | ${notes.length} | | ${fixed(totalMegabytes, 2)} | ${fixed(totalSeconds, 2)} | ${(notes.length / totalSeconds).toFixed(0)} | ${fixed(totalMegabytes / totalSeconds, 1)} |`,
  );
  out();

  out('### Redacting CodiEsp');
  out();
  const started = performance.now();
  let spans = 0;
  const byType = new Map<string, number>();
  const byLanguage = new Map<string, number>();
  for (const note of notes) {
    const language = note.language === 'es' ? 'es' : 'en';
    for (const span of redactPhi(note.text, { language }).spans) {
      spans++;
      byType.set(span.type, (byType.get(span.type) ?? 0) + 1);
      byLanguage.set(language, (byLanguage.get(language) ?? 0) + 1);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  out(
    `redactPhi over all ${notes.length} notes (${fixed(totalMegabytes, 1)} MB): ${fixed(seconds, 2)} s, ${(notes.length / seconds).toFixed(0)} notes/s, ${fixed(totalMegabytes / seconds, 2)} MB/s, ${spans} spans replaced.`,
  );
  out();
  out(
    `Spans by type (CodiEsp notes are published case reports, mostly without identifiers; dates of events dominate): ${[...byType].map(([type, count]) => `${type} ${count}`).join(', ')}. By language (Spanish notes with \`language: 'es'\`): ${[...byLanguage].map(([language, count]) => `${language} ${count}`).join(', ')}.`,
  );
  out();
  // Side by side on the same subset (the 500 English training notes): the libraries are much slower.
  const subset = notes
    .filter((note) => note.language === 'en' && note.metadata?.split === 'train')
    .map((note) => note.text);
  const subsetMegabytes = megabytes(subset);
  const redactPii = new SyncRedactor();
  const redactors: [string, (text: string) => string][] = [
    ['@icd/data redactPhi', (text) => redactPhi(text).text],
    ['redact-pii 3.4.0 (SyncRedactor)', (text) => redactPii.redact(text)],
    ['@coffeeandfun/remove-pii 3.0.1', (text) => removePII(text)],
  ];
  // Five interleaved rounds; the median of each redactor's times damps the noise of a shared machine.
  const times: number[][] = redactors.map(() => []);
  for (let round = 0; round < 5; round++) {
    redactors.forEach(([, redact], index) => {
      const begin = performance.now();
      for (const text of subset) redact(text);
      times[index]!.push((performance.now() - begin) / 1000);
    });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const rows: [string, number][] = redactors.map(([name], index) => [name, median(times[index]!)]);
  out(
    `Same input for all three: the ${subset.length} English training notes (${fixed(subsetMegabytes, 2)} MB), median of 5 interleaved rounds.`,
  );
  out();
  out('| redactor | seconds | notes/s | MB/s | time / redactPhi |');
  out('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, seconds] of rows) {
    out(
      `| ${name} | ${fixed(seconds, 2)} | ${(subset.length / seconds).toFixed(0)} | ${fixed(subsetMegabytes / seconds, 2)} | ${fixed(seconds / rows[0]![1], 2)} |`,
    );
  }
  out();
} else {
  out(`CodiEsp not found at ${codiespDir}: loading and redaction timings skipped.`);
  out();
}

// 1b. Generic loaders on a synthetic corpus written to CSV (multiline quoted notes) and JSONL.
{
  const corpus = generateCardiologyCorpus({ size: 20_000, seed: 5 });
  const folder = mkdtempSync(join(tmpdir(), 'icd-bench-data-'));
  const csvFile = join(folder, 'notes.csv');
  const jsonlFile = join(folder, 'notes.jsonl');
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  writeFileSync(
    csvFile,
    `id,text,codes\n${corpus.map((note) => `${note.id},${quote(note.text)},${note.codes.join(';')}`).join('\n')}\n`,
  );
  writeFileSync(
    jsonlFile,
    `${corpus.map((note) => JSON.stringify({ id: note.id, text: note.text, codes: note.codes })).join('\n')}\n`,
  );
  out('### Generic loaders (20,000 synthetic notes, multiline quoted CSV and JSONL)');
  out();
  out('| loader | file MB | seconds | notes/s | MB/s |');
  out('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, file, load] of [
    ['loadCsv', csvFile, loadCsv],
    ['loadJsonl', jsonlFile, loadJsonl],
  ] as const) {
    const size = readFileSync(file).length / 1e6;
    const started = performance.now();
    let count = 0;
    for await (const _note of load(file)) count++;
    const seconds = (performance.now() - started) / 1000;
    out(
      `| ${name} | ${fixed(size, 1)} | ${fixed(seconds, 2)} | ${(count / seconds).toFixed(0)} | ${fixed(size / seconds, 1)} |`,
    );
  }
  out();
  rmSync(folder, { recursive: true, force: true });
}

// 2. De-identification quality on the planted test sets.
out('### De-identification quality (planted test sets)');
out();
out(
  'Token-level comparison of input and output (evaluateRedaction): an identifier counts as redacted when none of',
);
out(
  'its letters or digits survive; precision is the share of removed word tokens that lay inside an identifier;',
);
out(
  'a clinical fact (dose, lab value, code, eponym) survives when all of its tokens do. `planted-notes.txt` (40',
);
out(
  'notes, 112 identifiers, 192 facts) was used to write the rules; `planted-notes-holdout.txt` (20 notes, 53',
);
out(
  'identifiers, 81 facts) was written after them and scored once. Wave 2 (issue 11) added, before its rule',
);
out('changes, `planted-notes-holdout-upper-en.txt` (upper-case and terse English, 37 identifiers) and');
out(
  "`planted-notes-holdout-es.txt` (Spanish, 44 identifiers, scored with `language: 'es'`); the wave-2 rules were",
);
out(
  'then written with those two in view (an upper bound, like the tuning set). `planted-notes-holdout-wave2.txt`',
);
out(
  '(10 English + 10 Spanish notes, 39 identifiers) was written after the wave-2 rules were frozen and scored once.',
);
out();
out('| test set | language | redactor | recall | precision | fact survival | missed identifiers |');
out('| --- | --- | --- | ---: | ---: | ---: | --- |');
const redactPii = new SyncRedactor();
const deidSets: [string, 'en' | 'es', string | undefined][] = [
  ['planted-notes.txt', 'en', undefined],
  ['planted-notes-holdout.txt', 'en', undefined],
  ['planted-notes-holdout-upper-en.txt', 'en', undefined],
  ['planted-notes-holdout-es.txt', 'es', undefined],
  ['planted-notes-holdout-wave2.txt', 'en', 'w-en-'],
  ['planted-notes-holdout-wave2.txt', 'es', 'w-es-'],
];
for (const [name, language, prefix] of deidSets) {
  const file = join(dataPackage, 'fixtures', 'deid', name);
  const planted = parsePlantedNotes(readFileSync(file, 'utf8'), file).filter(
    (note) => prefix === undefined || note.id.startsWith(prefix),
  );
  for (const [label, redact] of [
    ['@icd/data redactPhi', (text: string) => redactPhi(text, { language }).text],
    ['redact-pii 3.4.0', (text: string) => redactPii.redact(text)],
    ['@coffeeandfun/remove-pii 3.0.1', (text: string) => removePII(text)],
  ] as const) {
    const result = evaluateRedaction(planted, redact);
    const missed = label.startsWith('@icd')
      ? result.missed.map((miss) => `${miss.type} "${miss.text}"`).join('; ') || 'none'
      : `${result.missed.length}`;
    out(
      `| ${name}${prefix === undefined ? '' : ` (${prefix}*)`} | ${language} | ${label} | ${fixed(result.recall)} | ${fixed(result.precision)} | ${fixed(result.factSurvival)} | ${missed} |`,
    );
  }
}
out();
out('Before and after the wave-2 rules on the same sets (wave 1: the rules at commit e289fa2, which had no');
out('`language` option; measured once with that code when the sets were written, not re-run here):');
out();
out(
  '| test set | language | wave-1 recall | wave-1 precision | wave-1 facts | wave-2 recall | wave-2 precision | wave-2 facts |',
);
out('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const waveOne: Record<string, [number, number, number]> = {
  'planted-notes.txt': [1, 0.99, 1],
  'planted-notes-holdout.txt': [0.868, 0.956, 1],
  'planted-notes-holdout-upper-en.txt': [16 / 37, 0.917, 48 / 50],
  'planted-notes-holdout-es.txt': [10 / 44, 1, 1],
  'planted-notes-holdout-wave2.txt w-en-': [10 / 19, 0.893, 23 / 25],
  'planted-notes-holdout-wave2.txt w-es-': [4 / 20, 1, 1],
};
for (const [name, language, prefix] of deidSets) {
  const file = join(dataPackage, 'fixtures', 'deid', name);
  const planted = parsePlantedNotes(readFileSync(file, 'utf8'), file).filter(
    (note) => prefix === undefined || note.id.startsWith(prefix),
  );
  const result = evaluateRedaction(planted, (text) => redactPhi(text, { language }).text);
  const [recall, precision, facts] = waveOne[prefix === undefined ? name : `${name} ${prefix}`]!;
  out(
    `| ${name}${prefix === undefined ? '' : ` (${prefix}*)`} | ${language} | ${fixed(recall)} | ${fixed(precision)} | ${fixed(facts)} | ${fixed(result.recall)} | ${fixed(result.precision)} | ${fixed(result.factSurvival)} |`,
  );
}
out();

// 3. Synthetic corpus: a bag-of-words baseline and the 3:1:1 split report.
out('### Synthetic cardiology corpus: bag-of-words baseline');
out();
out('Multinomial naive Bayes (Laplace smoothing, lower-cased word counts) trained on the first 80% of a');
out('generated corpus and scored on the last 20%; majority class for reference.');
out();
out('| corpus | notes | mean words | naive Bayes accuracy | majority-class accuracy |');
out('| --- | ---: | ---: | ---: | ---: |');
for (const [label, options] of [
  ['defaults (overlap 0.3, atypical 0.2, explicit diagnosis 0.6)', {}],
  ['defaults + labelNoise 0.1', { labelNoise: 0.1 }],
  ['easy (overlap 0, atypical 0, explicit diagnosis 1)', { overlap: 0, atypical: 0, explicitDiagnosis: 1 }],
] as const) {
  const corpus = generateCardiologyCorpus({ size: 3000, seed: 11, ...options });
  const cut = Math.floor(corpus.length * 0.8);
  const train = corpus.slice(0, cut);
  const test = corpus.slice(cut);
  const counts = new Map<string, number>();
  for (const note of train) counts.set(note.codes[0]!, (counts.get(note.codes[0]!) ?? 0) + 1);
  const majority = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const meanWords = corpus.reduce((sum, note) => sum + note.text.split(/\s+/).length, 0) / corpus.length;
  out(
    `| ${label} | ${corpus.length} | ${meanWords.toFixed(0)} | ${fixed(naiveBayesAccuracy(train, test))} | ${fixed(test.filter((note) => note.codes[0] === majority).length / test.length)} |`,
  );
}
out();
out('### Stratified 3:1:1 split of 3,000 synthetic notes (seed 1)');
out();
const corpus = generateCardiologyCorpus({ size: 3000, seed: 11 });
out(formatSplitReport(stratifiedSplit(corpus, { seed: 1, label: (note) => note.codes[0]! }).report));
out();

const target = join(root, 'docs', 'benchmarks', 'data.md');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `# @icd/data benchmarks\n\n${lines.join('\n')}\n`);
console.log(`\nwrote ${target}`);
