/**
 * Forward latency of BERT mini and base on tfjs-wasm, ONNX Runtime (onnxruntime-node, fp32 and dynamic
 * int8, files written by @icd/onnx's exportOnnx) and PyTorch (torch_bench.py), side by side in one run,
 * with GFLOP/s against the machine's fp32 matmul rate (a 2048² sgemm through PyTorch on the same two
 * threads) and the int8 export's deviation from fp32. Writes docs/benchmarks/onnx.md.
 *
 * Run: `pnpm bench onnx` (mini and base), `ONNX_BENCH_QUICK=1 pnpm bench onnx` (mini only).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertConfig, BertModel, disposeOutput, selectBackend } from '@icd/bert';
import type { TensorData } from '@icd/core';
import { exportOnnx, OnnxEncoder } from '@icd/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { int8DownstreamCost, trainedCheckpointInt8Cost } from './downstream.js';
import { type BenchRow, type Case, forwardFlops, renderReport, type TorchResult } from './report.js';
import { loadLine, machineLine, timeRuns } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.ONNX_BENCH_QUICK === '1';
/** Intra-op threads of ONNX Runtime and PyTorch: 2 (the machine's cores) or ONNX_BENCH_THREADS. */
const threads = Number(process.env.ONNX_BENCH_THREADS ?? 2);
/**
 * tfjs-wasm cells projected (from the slowest rate per CPU-second seen so far) to need more CPU time
 * than this are skipped: base at 512 tokens × 8 takes ~19 CPU-s (benchmarks/bert.md has it).
 */
const tfjsBudgetMs = 10_000;
let slowestTfjsRate = Number.POSITIVE_INFINITY; // FLOP per CPU ms
const configs = [
  { name: 'mini', layers: 4, hidden: 256 },
  { name: 'base', layers: 12, hidden: 768 },
].filter((config) => !quick || config.name === 'mini');
const cases: Case[] = configs.flatMap((config) =>
  [128, 512].flatMap((length) => [1, 8].map((batch) => ({ ...config, length, batch }))),
);

function inputIds(batch: number, length: number): TensorData<Int32Array> {
  const data = Int32Array.from({ length: batch * length }, (_, index) => 1 + ((index * 104729) % 30000));
  return { data, shape: [batch, length] };
}

/** Per-token cosine of two `[batch, sequence, hidden]` outputs: mean and minimum. */
function tokenCosines(a: TensorData, b: TensorData): { mean: number; min: number } {
  const width = a.shape[2] as number;
  let sum = 0;
  let min = 1;
  const tokens = a.data.length / width;
  for (let token = 0; token < tokens; token++) {
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (let index = token * width; index < (token + 1) * width; index++) {
      dot += (a.data[index] as number) * (b.data[index] as number);
      normA += (a.data[index] as number) ** 2;
      normB += (b.data[index] as number) ** 2;
    }
    const cosine = dot / Math.sqrt(normA * normB);
    sum += cosine;
    min = Math.min(min, cosine);
  }
  return { mean: sum / tokens, min };
}

const loadBefore = loadLine();
/** The process's nice value, recorded in the command line of the report. */
const niceness = getPriority();
await selectBackend({ backend: 'wasm' });
const rows: BenchRow[] = [];
const exports: string[] = [];
const deviations: string[] = [];
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
  const exportStarted = performance.now();
  const fp32 = await exportOnnx(model);
  const exportMs = performance.now() - exportStarted;
  const int8 = await exportOnnx(model, { quantization: 'int8' });
  const fused = await exportOnnx(model, { fusedOperators: true });
  const loadStarted = performance.now();
  const sessions = {
    fp32: await OnnxEncoder.load(fp32, { intraOpNumThreads: threads }),
    int8: await OnnxEncoder.load(int8, { intraOpNumThreads: threads }),
    fused: await OnnxEncoder.load(fused, { intraOpNumThreads: threads }),
  };
  const loadMs = performance.now() - loadStarted;
  exports.push(
    `${config.name}: fp32 ${(fp32.length / 2 ** 20).toFixed(1)} MiB (export ${exportMs.toFixed(0)} ms), int8 ${(int8.length / 2 ** 20).toFixed(1)} MiB; three sessions created in ${loadMs.toFixed(0)} ms`,
  );
  for (const item of cases.filter((candidate) => candidate.name === config.name)) {
    const ids = inputIds(item.batch, item.length);
    const projectedMs = forwardFlops(item) / slowestTfjsRate;
    const tfjs =
      projectedMs > tfjsBudgetMs
        ? undefined
        : await timeRuns(() => {
            const output = model.forward({ inputIds: ids });
            output.lastHiddenState.dataSync();
            disposeOutput(output);
          });
    if (tfjs) slowestTfjsRate = Math.min(slowestTfjsRate, forwardFlops(item) / tfjs.cpuMs);
    const ortFp32 = await timeRuns(async () => void (await sessions.fp32.encode({ inputIds: ids })));
    const ortInt8 = await timeRuns(async () => void (await sessions.int8.encode({ inputIds: ids })));
    const ortFused = await timeRuns(async () => void (await sessions.fused.encode({ inputIds: ids })));
    rows.push({
      ...item,
      ...(tfjs ? { tfjs } : { tfjsProjectedMs: projectedMs }),
      ortFp32,
      ortInt8,
      ortFused,
    });
    console.log(
      `${item.name}/${item.length}/b${item.batch}: tfjs-wasm ${tfjs ? tfjs.wallMs.toFixed(0) : `skipped (projected ${(projectedMs / 1000).toFixed(0)} CPU-s)`} ms, ORT fp32 ${ortFp32.wallMs.toFixed(0)} ms, int8 ${ortInt8.wallMs.toFixed(0)} ms, fused ${ortFused.wallMs.toFixed(0)} ms (wall)`,
    );
  }
  const probe = inputIds(8, 128);
  const [fromFp32, fromInt8, fromTfjs] = [
    await sessions.fp32.encode({ inputIds: probe }),
    await sessions.int8.encode({ inputIds: probe }),
    await model.encode({ inputIds: probe }),
  ];
  const quantized = tokenCosines(fromInt8.lastHiddenState, fromFp32.lastHiddenState);
  const engines = tokenCosines(fromFp32.lastHiddenState, fromTfjs.lastHiddenState);
  let maxDifference = 0;
  for (let index = 0; index < fromFp32.lastHiddenState.data.length; index++) {
    const difference = Math.abs(
      (fromFp32.lastHiddenState.data[index] as number) - (fromTfjs.lastHiddenState.data[index] as number),
    );
    maxDifference = Math.max(maxDifference, difference);
  }
  deviations.push(
    `| ${config.name} | ${quantized.mean.toFixed(5)} | ${quantized.min.toFixed(5)} | ${engines.min.toFixed(7)} | ${maxDifference.toExponential(1)} |`,
  );
  sessions.fp32.dispose();
  sessions.int8.dispose();
  sessions.fused.dispose();
  model.dispose();
}
console.log('int8 on a downstream task (synthetic cardiology corpus) ...');
const downstream = await int8DownstreamCost(threads);
const repository = join(here, '..', '..', '..');
const checkpoint = join(repository, 'checkpoints', 'codiesp-en-tiny-v8000-s42', 'model');
const codiesp = process.env.ICD_SHARED_DIR
  ? join(process.env.ICD_SHARED_DIR, 'data', 'codiesp')
  : join(repository, '..', 'shared', 'data', 'codiesp');
console.log('int8 on the pretrained CodiEsp checkpoint (if present) ...');
const trained = await trainedCheckpointInt8Cost(threads, checkpoint, codiesp);
const tensorsLeft = tf.memory().numTensors;

console.log(`PyTorch (${threads} threads) ...`);
const torchRun = spawnSync(
  '/usr/bin/python3',
  [
    join(here, 'torch_bench.py'),
    '--threads',
    String(threads),
    '--budget-cpu-seconds',
    // PyTorch is the goal's reference: a larger budget than tfjs's, so base/128/8 and base/512/1 run too.
    '40',
    '--cases',
    JSON.stringify(cases),
  ],
  { encoding: 'utf8', maxBuffer: 1 << 24 },
);
let torch: TorchResult | undefined;
if (torchRun.status === 0) torch = JSON.parse(torchRun.stdout) as TorchResult;
else console.warn(`torch_bench.py failed (PyTorch columns left empty): ${torchRun.stderr?.slice(-500)}`);

const report = renderReport({
  date: new Date().toISOString(),
  machine: machineLine(),
  load: `${loadBefore} before, ${loadLine()} after`,
  command: `${quick ? 'ONNX_BENCH_QUICK=1 ' : ''}${threads === 2 ? '' : `ONNX_BENCH_THREADS=${threads} `}${niceness === 0 ? '' : `nice -n ${niceness} `}pnpm bench onnx`,
  threads,
  rows,
  torch,
  exports,
  deviations,
  downstream,
  trained,
  tensorsLeft,
});
const page = threads === 2 ? 'onnx.md' : `onnx-${threads}-thread.md`;
const target = join(here, '..', '..', '..', 'docs', 'benchmarks', page);
writeFileSync(target, report);
console.log(`\n${report}\nwrote ${target}`);
