/**
 * `pnpm bench metrics`: macro ROC AUC, micro-F1 and CodiEsp MAP on 2,000 documents × 2,500 labels,
 * @icd/metrics side by side with scikit-learn (and a plain-Python MAP) on the SAME arrays in the same
 * run. Writes docs/benchmarks/metrics.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { f1Score, meanAveragePrecision, rocAucScore } from '@icd/metrics';

const rows = 2000;
const cols = 2500;
const depth = 1000;
const repeats = 5;
const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, '..', '..', '..');

// Seeded data (mulberry32) so every run times the same arrays.
let state = 20241124;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let mixed = state;
  mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
  mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
  return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
}

/**
 * Sparse-ish, realistic targets: label prevalence falls off like a power law (a few frequent codes,
 * a long tail), about 12 gold codes per document, every label with at least one positive so that
 * scikit-learn's macro AUC is defined. Scores are noisy and rounded to 1e-4, so ties occur.
 */
function makeData() {
  const yTrue = new Uint8Array(rows * cols);
  const yScore = new Float64Array(rows * cols);
  const weights = Float64Array.from({ length: cols }, (_, label) => 1 / (label + 1) ** 0.8);
  const weightSum = weights.reduce((total, value) => total + value, 0);
  for (let label = 0; label < cols; label++) {
    const prevalence = Math.min(0.5, (12 * (weights[label] as number)) / weightSum);
    for (let row = 0; row < rows; row++) if (random() < prevalence) yTrue[row * cols + label] = 1;
    yTrue[Math.floor(random() * rows) * cols + label] = 1;
  }
  for (let index = 0; index < yScore.length; index++) {
    const signal = yTrue[index] === 1 ? 0.35 + 0.6 * random() : 0.55 * random() ** 3;
    yScore[index] = Math.round(signal * 1e4) / 1e4;
  }
  return { yTrue, yScore };
}

/** Top-`depth` labels per document by score, ties to the lower label (a stable descending argsort). */
function rankLabels(yScore: Float64Array): Int32Array {
  const ranked = new Int32Array(rows * depth);
  const order = new Uint32Array(cols);
  for (let row = 0; row < rows; row++) {
    const offset = row * cols;
    for (let col = 0; col < cols; col++) order[col] = col;
    order.sort(
      (left, right) => (yScore[offset + right] as number) - (yScore[offset + left] as number) || left - right,
    );
    for (let rank = 0; rank < depth; rank++) ranked[row * depth + rank] = order[rank] as number;
  }
  return ranked;
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

// Expose the garbage collector (the runner starts node without --expose-gc) so that memory is
// measured from a clean heap.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function timed(run: () => number) {
  run(); // warm-up: JIT compilation is not what we measure
  const times: number[] = [];
  let value = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = process.hrtime.bigint();
    value = run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  collectGarbage();
  const before = process.memoryUsage();
  run();
  const after = process.memoryUsage();
  const allocated = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  return { value, medianMs: median(times), allocatedBytes: Math.max(0, allocated) };
}

const { yTrue, yScore } = makeData();
const positives = yTrue.reduce((total, value) => total + value, 0);
const yPred = new Uint8Array(rows * cols);
for (let index = 0; index < yPred.length; index++) yPred[index] = (yScore[index] as number) >= 0.5 ? 1 : 0;
const ranked = rankLabels(yScore);
const codes = Array.from({ length: cols }, (_, label) => `C${String(label).padStart(5, '0')}`);
const gold = new Map<string, string[]>();
const rankedCodes = new Map<string, string[]>();
for (let row = 0; row < rows; row++) {
  const documentCodes: string[] = [];
  for (let col = 0; col < cols; col++)
    if (yTrue[row * cols + col] === 1) documentCodes.push(codes[col] as string);
  gold.set(`doc${row}`, documentCodes);
  rankedCodes.set(
    `doc${row}`,
    Array.from(ranked.subarray(row * depth, (row + 1) * depth), (col) => codes[col] as string),
  );
}

const truthMatrix = { data: yTrue, rows, cols };
const scoreMatrix = { data: yScore, rows, cols };
const predMatrix = { data: yPred, rows, cols };
const ours = {
  macroAuc: timed(() => rocAucScore(truthMatrix, scoreMatrix, { average: 'macro' })),
  microF1: timed(() => f1Score(truthMatrix, predMatrix, { average: 'micro' })),
  map: timed(() => meanAveragePrecision(gold, rankedCodes, { validCodes: codes })),
};

// The same arrays for Python, back to back in one binary file.
const directory = mkdtempSync(join(tmpdir(), 'icd-metrics-bench-'));
const dataFile = join(directory, 'arrays.bin');
writeFileSync(
  dataFile,
  Buffer.concat([Buffer.from(yTrue.buffer), Buffer.from(yScore.buffer), Buffer.from(ranked.buffer)]),
);
const python = spawnSync(
  '/usr/bin/python3',
  [join(here, 'sklearn_bench.py'), dataFile, String(rows), String(cols), String(depth), String(repeats)],
  {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  },
);
rmSync(directory, { recursive: true, force: true });
if (python.status !== 0) {
  console.error(python.stderr);
  throw new Error(
    'scikit-learn side of the benchmark failed (is /usr/bin/python3 with scikit-learn installed?)',
  );
}
const reference = JSON.parse(python.stdout);

const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
const rowsOut = (
  [
    ['macro ROC AUC', ours.macroAuc, reference.macroAuc, 'roc_auc_score(average="macro")'],
    ['micro-F1', ours.microF1, reference.microF1, 'f1_score(average="micro")'],
    ['MAP (CodiEsp rules, depth 1000)', ours.map, reference.map, 'plain-Python CodiEsp MAP'],
  ] as const
).map(([name, mine, theirs, referenceName]) => {
  const agree = Math.abs(mine.value - theirs.value) <= 1e-9 ? 'yes' : `NO (${theirs.value})`;
  return `| ${name} | ${mine.medianMs.toFixed(1)} | ${theirs.medianMs.toFixed(1)} (${referenceName}) | ${(theirs.medianMs / mine.medianMs).toFixed(2)}× | ${megabytes(mine.allocatedBytes)} | ${megabytes(theirs.peakBytes)} | ${mine.value.toFixed(6)} | ${agree} |`;
});

const cpu = cpus();
const section = `# @icd/metrics benchmarks

Written by \`pnpm bench metrics\` (bench/src/metrics/main.ts) on ${new Date().toISOString()}.

- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}; Python ${reference.python}, scikit-learn ${reference.sklearnVersion}, numpy ${reference.numpyVersion}.
- Data: ${rows} documents × ${cols} labels, ${positives} gold positives (${(positives / rows).toFixed(1)} per document, power-law label frequencies, every label with at least one positive), scores rounded to 1e-4 (ties), predictions \`score >= 0.5\`, ranked lists of the top ${depth} codes per document. Both sides read the SAME arrays (written to a temporary binary file).
- Times: median of ${repeats} runs after one warm-up, in milliseconds. Memory: ours = JS heap + ArrayBuffer growth during one call, from a collected heap (allocations, approximate); theirs = \`tracemalloc\` peak of one call.
- AUC policy: \`undefinedLabels: 'raise'\` (scikit-learn's; every label has both classes here, so nothing is skipped).
- MAP reference: scikit-learn has no CodiEsp MAP and trectools is not installed here, so the reference is a plain-Python implementation of the same rules (bench/src/metrics/sklearn_bench.py).

| metric | @icd/metrics ms | reference ms | speed-up | ours MiB | reference MiB | value | same value |
| :--- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |
${rowsOut.join('\n')}

Goal: each under 1 s and no slower than the reference (speed-up ≥ 1×). Re-run on a quiet machine with
\`pnpm bench metrics\`; the numbers above were taken on a shared machine and are noisy.
`;
writeFileSync(join(repositoryRoot, 'docs', 'benchmarks', 'metrics.md'), section);
console.log(section);
