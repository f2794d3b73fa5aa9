/**
 * Forward latency of @icd/bert encoders on tfjs-wasm and tfjs-cpu, next to tfjs-wasm's own 512³ matMul
 * rate and PyTorch (same configurations, same run, `torch_bench.py`). Writes docs/benchmarks/bert.md.
 *
 * Run: `pnpm bench bert` (all), `BERT_BENCH_QUICK=1 pnpm bench bert` (tiny and mini only).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BackendName, BertConfig, BertModel, disposeOutput, selectBackend } from '@icd/bert';
import * as tf from '@tensorflow/tfjs-core';
import { machineLine, median, narrative } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BERT_BENCH_QUICK === '1';
const configs = [
  { name: 'tiny', layers: 2, hidden: 128 },
  { name: 'mini', layers: 4, hidden: 256 },
  { name: 'small', layers: 4, hidden: 512 },
  { name: 'base', layers: 12, hidden: 768 },
].filter((config) => !quick || config.layers * config.hidden <= 1024);
const lengths = [128, 512];
const batches = [1, 8];
/** cpu-backend cases projected to take longer than this per run are skipped (they take minutes). */
const cpuBudgetMs = 15_000;

interface Case {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly length: number;
  readonly batch: number;
}

/** Multiply-adds ×2 of one forward pass: Q, K, V, output and two feed-forward dense layers, Q·Kᵀ and P·V. */
function forwardFlops({ layers, hidden, length, batch }: Case): number {
  const tokens = batch * length;
  const dense = 2 * tokens * (4 * hidden * hidden + 2 * hidden * 4 * hidden);
  const attention = 2 * 2 * batch * length * length * hidden;
  return layers * (dense + attention);
}

function timeRuns(
  run: () => void,
  minMs: number,
  maxRuns = 10,
): { wallMs: number; cpuMs: number; runs: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  const started = performance.now();
  while (walls.length < 2 || (performance.now() - started < minMs && walls.length < maxRuns)) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpu);
    walls.push(performance.now() - wall);
    cpus.push((used.user + used.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpus), runs: walls.length };
}

/** tfjs's own 512×512×512 matMul rate on the current backend, GFLOP/s (from CPU time). */
function matMulRate(): number {
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 512]);
  const run = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  run();
  const { cpuMs } = timeRuns(run, 500, 30);
  tf.dispose([a, b]);
  return (2 * 512 ** 3) / cpuMs / 1e6;
}

interface Row extends Case {
  backend: string;
  wallMs?: number;
  cpuMs?: number;
  runs?: number;
  gflops?: number;
  skipped?: string;
}

async function benchBackend(backend: BackendName): Promise<{ rows: Row[]; matMul: number[] }> {
  await selectBackend({ backend });
  const rows: Row[] = [];
  const matMul = [matMulRate()];
  let observedRate = Number.POSITIVE_INFINITY;
  for (const config of configs) {
    const model = new BertModel(
      new BertConfig({
        numHiddenLayers: config.layers,
        hiddenSize: config.hidden,
        numAttentionHeads: config.hidden / 64,
        intermediateSize: config.hidden * 4,
      }),
      { seed: 1 },
    );
    for (const length of lengths) {
      for (const batch of batches) {
        const item: Case = { ...config, length, batch };
        const flops = forwardFlops(item);
        if (backend === 'cpu' && (flops / observedRate) * 1000 > cpuBudgetMs) {
          rows.push({ ...item, backend, skipped: `projected ${(flops / observedRate).toFixed(0)} s` });
          continue;
        }
        const inputIds = Array.from({ length: batch }, (_, row) =>
          Array.from({ length }, (_, column) => 1 + ((row * 7919 + column * 104729) % 30000)),
        );
        const run = () => {
          const output = model.forward({ inputIds });
          output.lastHiddenState.dataSync();
          disposeOutput(output);
        };
        run();
        const measured = timeRuns(run, 1500);
        const gflops = flops / measured.cpuMs / 1e6;
        observedRate = Math.min(
          observedRate === Number.POSITIVE_INFINITY ? gflops * 1e9 : observedRate,
          gflops * 1e9,
        );
        rows.push({ ...item, backend, ...measured, gflops });
        console.log(
          `${backend} ${config.name}/${length}/b${batch}: ${measured.cpuMs.toFixed(1)} ms CPU, ${measured.wallMs.toFixed(1)} ms wall, ${gflops.toFixed(1)} GFLOP/s`,
        );
      }
    }
    model.dispose();
    matMul.push(matMulRate());
  }
  console.log(
    `${backend} matMul 512³: ${matMul.map((rate) => rate.toFixed(1)).join(', ')} GFLOP/s; tensors alive ${tf.memory().numTensors}`,
  );
  return { rows, matMul };
}

function torchRows(
  cases: Case[],
  threads: number,
): { version: string; rows: Map<string, { wallMs: number; cpuMs: number }> } {
  const script = join(here, 'torch_bench.py');
  const result = spawnSync(
    '/usr/bin/python3',
    [script, '--threads', String(threads), '--cases', JSON.stringify(cases)],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const rows = new Map<string, { wallMs: number; cpuMs: number }>();
  if (result.status !== 0) {
    console.warn(`torch_bench.py failed (PyTorch columns left empty): ${result.stderr?.slice(-500)}`);
    return { version: 'unavailable', rows };
  }
  const parsed = JSON.parse(result.stdout) as {
    torch: string;
    results: (Case & { wallMs: number; cpuMs: number })[];
  };
  for (const row of parsed.results) rows.set(`${row.layers}/${row.hidden}/${row.length}/${row.batch}`, row);
  return { version: parsed.torch, rows };
}

const key = (item: Case) => `${item.layers}/${item.hidden}/${item.length}/${item.batch}`;
const wasm = await benchBackend('wasm');
const cpu = await benchBackend('cpu');
const cases = wasm.rows.map(({ name, layers, hidden, length, batch }) => ({
  name,
  layers,
  hidden,
  length,
  batch,
}));
console.log('PyTorch (1 thread, as single-threaded tfjs-wasm) ...');
const torch = torchRows(cases, 1);
const wasmRate = median(wasm.matMul);

const fmt = (value: number | undefined, digits = 1) => (value === undefined ? '–' : value.toFixed(digits));
const lines = [
  '| model (layers, hidden) | tokens | batch | wasm ms (CPU) | wasm ms (wall) | wasm GFLOP/s | % of wasm matMul | PyTorch ms (CPU) | wasm / PyTorch | cpu-backend ms (CPU) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const row of wasm.rows) {
  const reference = torch.rows.get(key(row));
  const cpuRow = cpu.rows.find((candidate) => key(candidate) === key(row));
  lines.push(
    `| ${row.name} (${row.layers}, ${row.hidden}) | ${row.length} | ${row.batch} | ${fmt(row.cpuMs)} | ${fmt(row.wallMs)} | ${fmt(row.gflops)} | ${fmt(((row.gflops ?? 0) / wasmRate) * 100, 0)}% | ${fmt(reference?.cpuMs)} | ${reference ? fmt((row.cpuMs ?? 0) / reference.cpuMs, 2) : '–'} | ${cpuRow?.skipped ? `skipped (${cpuRow.skipped})` : fmt(cpuRow?.cpuMs)} |`,
  );
}
const command = quick ? 'BERT_BENCH_QUICK=1 pnpm bench bert' : 'pnpm bench bert';
const report = narrative({
  date: new Date().toISOString(),
  machine: machineLine(),
  command,
  torchVersion: torch.version,
  wasmMatMul: wasm.matMul,
  cpuMatMul: cpu.matMul,
  table: lines.join('\n'),
});
const target = join(here, '..', '..', '..', 'docs', 'benchmarks', 'bert.md');
writeFileSync(target, report);
console.log(`\n${lines.join('\n')}\n\nwrote ${target}`);
