/**
 * Writes docs/benchmarks/gpu.md from the files a device run brought back (run-on-device.sh):
 * tfjs-webgpu.json, torch-gpu.json and gpu.txt in one folder.
 *
 *   pnpm --filter @icd/bench gpu:record /work/.device/<run folder>
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ForwardRow {
  size: string;
  length: number;
  batch: number;
  medianMs: number;
}
interface TrainingRow {
  size: string;
  length: number;
  tokensPerSecond: number;
}

const folder = process.argv[2];
if (!folder || !existsSync(join(folder, 'tfjs-webgpu.json'))) {
  console.error('usage: gpu:record <folder with tfjs-webgpu.json, torch-gpu.json, gpu.txt>');
  process.exit(2);
}
const read = (name: string) =>
  existsSync(join(folder, name)) ? JSON.parse(readFileSync(join(folder, name), 'utf8')) : undefined;
const tfjs = read('tfjs-webgpu.json');
const torch = read('torch-gpu.json');
const gpu = existsSync(join(folder, 'gpu.txt'))
  ? readFileSync(join(folder, 'gpu.txt'), 'utf8').trim()
  : 'unknown';
const key = (row: { size: string; length: number; batch?: number }) =>
  `${row.size}/${row.length}/${row.batch ?? ''}`;
const torchForward = new Map<string, ForwardRow>(
  ((torch?.forward ?? []) as ForwardRow[]).map((row) => [key(row), row]),
);
const torchTraining = new Map<string, TrainingRow>(
  ((torch?.training ?? []) as TrainingRow[]).map((row) => [key(row), row]),
);
const lines = [
  '# GPU path (tfjs webgpu on Dawn in Node, and PyTorch on the same GPU)',
  '',
  `Measured ${tfjs.date} on the device machine (${gpu.replace(/\n/g, '; ')}; ${tfjs.machine.cpus}), ` +
    `Node ${tfjs.machine.node}, backend report \`${JSON.stringify(tfjs.backendReport ?? {})}\`; PyTorch ${torch?.torch ?? 'not run'}.`,
  'Command: `pnpm --filter @icd/bench gpu:pack`, then on the device `bash bench/src/gpu/run-on-device.sh`, then',
  '`pnpm --filter @icd/bench gpu:record <folder>`.',
  '',
  '## Checks',
  '',
  `- Parity (last hidden state, ${tfjs.parity?.model ?? '?'} BERT, webgpu vs tfjs cpu): max |Δ| = ${tfjs.parity?.maxAbsDifference ?? tfjs.parity?.error} (goal ≤ 1e-3): ${tfjs.parity?.pass ? 'pass' : 'FAIL'}`,
  `- Loss curve (${tfjs.lossCurve?.steps ?? '?'} masked-LM updates, same seed): max |Δ| = ${tfjs.lossCurve?.maxAbsDifference ?? tfjs.lossCurve?.error} (goal ≤ 1e-2): ${tfjs.lossCurve?.pass ? 'pass' : 'FAIL'}`,
  '',
  '## Forward latency (median ms)',
  '',
  '| model | tokens | batch | tfjs webgpu | PyTorch CUDA fp32 |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...((tfjs.forward ?? []) as ForwardRow[]).map(
    (row) =>
      `| ${row.size} | ${row.length} | ${row.batch} | ${row.medianMs.toFixed(2)} | ${torchForward.get(key(row))?.medianMs.toFixed(2) ?? '—'} |`,
  ),
  '',
  '## Masked-LM training throughput (tokens/s, micro-batch 8)',
  '',
  '| model | tokens | tfjs webgpu | PyTorch CUDA fp32 |',
  '| --- | ---: | ---: | ---: |',
  ...((tfjs.training ?? []) as TrainingRow[]).map(
    (row) =>
      `| ${row.size} | ${row.length} | ${row.tokensPerSecond.toFixed(0)} | ${torchTraining.get(key(row))?.tokensPerSecond.toFixed(0) ?? '—'} |`,
  ),
  '',
  'CPU figures of the same models on the 2-core development machine: docs/benchmarks/onnx.md (forward) and',
  'docs/benchmarks/train.md (training).',
  '',
];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
writeFileSync(join(root, 'docs/benchmarks/gpu.md'), lines.join('\n'));
console.log('wrote docs/benchmarks/gpu.md');
