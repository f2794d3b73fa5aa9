/**
 * @icd/train throughput: masked-LM training tokens/s of a mini BERT (4 layers, 256 hidden, 4 heads,
 * bert-base-uncased's 30,522-word vocabulary, random token ids) at 128 tokens / batch 8 and 512 tokens /
 * batch 4, on tfjs-wasm in-process (1 worker) and over 2 worker threads (ParallelTrainer, the same global
 * batch as 2 micro-batches of half the size), next to PyTorch with 1 and 2 threads on the same random
 * config in the same run (../bert-pretraining/torch_train_bench.py); then the step time of a coding head
 * on a frozen vs a tuned encoder. The 1-minute load average is recorded with every figure: the machine is
 * shared, and figures taken under load are slower than a quiet machine's. Writes docs/benchmarks/train.md.
 *
 *   pnpm bench train          (BENCH_STEPS=3 measured updates after one warm-up update)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Trainer } from '@icd/train';
import { ParallelTrainer } from '@icd/train/node';
import { measureHead } from './head-step.js';
import { type MlmSetupOptions, setup } from './mlm-setup.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');
const steps = Number(process.env.BENCH_STEPS ?? 3);
const python = process.env.ICD_PYTHON ?? '/usr/bin/python3';
const mini = { layers: 4, hidden: 256, heads: 4, vocab: 30522 };
const configs = [
  { length: 128, batch: 8 },
  { length: 512, batch: 4 },
];

interface Row {
  config: string;
  engine: string;
  parallelism: string;
  tokensPerSecond: number;
  stepSeconds: number;
  load: string;
}

const load = () => loadavg()[0]!.toFixed(1);

async function tfjs(length: number, batch: number, workers: 1 | 2): Promise<Row> {
  const loadBefore = load();
  const options: MlmSetupOptions = { ...mini, length, microBatch: batch / workers, backend: 'wasm' };
  let result: { seconds: number; tokensPerSecond: number };
  if (workers === 1) {
    const { batches, objective, groups } = await setup(options);
    const trainer = new Trainer({ batches, objective, groups, totalSteps: steps + 1, progress: false });
    await trainer.train({ maxSteps: 1 });
    result = await trainer.train({ maxSteps: steps });
    trainer.dispose();
  } else {
    const trainer = new ParallelTrainer({
      module: new URL('./mlm-setup.ts', import.meta.url),
      moduleOptions: options,
      workers,
      accumulationSteps: workers,
      totalSteps: steps + 1,
      progress: false,
    });
    await trainer.train({ maxSteps: 1 });
    result = await trainer.train({ maxSteps: steps });
    await trainer.close();
  }
  const row = {
    config: `mini / ${length} / batch ${batch}`,
    engine: 'tfjs-wasm (@icd/train)',
    parallelism: workers === 1 ? '1 worker (in-process)' : `${workers} workers × batch ${batch / workers}`,
    tokensPerSecond: result.tokensPerSecond,
    stepSeconds: result.seconds / steps,
    load: `${loadBefore} → ${load()}`,
  };
  console.log(JSON.stringify(row));
  return row;
}

function torch(length: number, batch: number, threads: number): Row | undefined {
  const loadBefore = load();
  const script = join(import.meta.dirname, '../bert-pretraining/torch_train_bench.py');
  const args = [
    '--head',
    'masked',
    '--steps',
    String(steps + 1),
    '--threads',
    String(threads),
    '--layers',
    String(mini.layers),
  ];
  args.push(
    '--hidden',
    String(mini.hidden),
    '--heads',
    String(mini.heads),
    '--length',
    String(length),
    '--batch',
    String(batch),
  );
  const run = spawnSync(python, [script, ...args], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.warn(`PyTorch reference skipped (${python}): ${run.stderr.slice(-300)}`);
    return undefined;
  }
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    medianStepSeconds: number;
    tokensPerSecond: number;
  };
  const row = {
    config: `mini / ${length} / batch ${batch}`,
    engine: 'PyTorch (same random config)',
    parallelism: `${threads} thread${threads > 1 ? 's' : ''}`,
    tokensPerSecond: result.tokensPerSecond,
    stepSeconds: result.medianStepSeconds,
    load: `${loadBefore} → ${load()}`,
  };
  console.log(JSON.stringify(row));
  return row;
}

const rows: Row[] = [];
for (const { length, batch } of configs) {
  rows.push(await tfjs(length, batch, 1));
  rows.push(await tfjs(length, batch, 2));
  for (const threads of [1, 2]) {
    const row = torch(length, batch, threads);
    if (row) rows.push(row);
  }
}
const headOptions: MlmSetupOptions = { ...mini, length: 128, microBatch: 8, backend: 'wasm' };
const headLoad = load();
const frozen = await measureHead(headOptions, true, steps);
const tuned = await measureHead(headOptions, false, steps);
const headLoadAfter = load();
console.log(JSON.stringify({ frozen, tuned }));

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const lines = [
  '# @icd/train',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, by \`pnpm bench train\` (${steps} measured updates after a warm-up update; PyTorch: median of its steps).`,
  '',
  '**The machine is shared**: other jobs ran during these measurements, so every row carries the 1-minute',
  'load average before → after it (2 cores: a load of 2 is a busy machine, above it the figures are',
  'slowed by time-sharing, and rows taken at different loads are not comparable). Re-run on a quiet machine',
  'before drawing conclusions about ratios.',
  '',
  '## Masked-LM training (mini BERT, 30,522-word vocabulary, random token ids, AdamW, dropout 0.1)',
  '',
  '| config | engine | parallelism | tokens/s | s/update | load |',
  '| --- | --- | --- | ---: | ---: | --- |',
  ...rows.map(
    (row) =>
      `| ${row.config} | ${row.engine} | ${row.parallelism} | ${number(row.tokensPerSecond)} | ${number(row.stepSeconds, 2)} | ${row.load} |`,
  ),
  '',
  '2 workers: the global batch is split into two micro-batches computed in two worker threads (one tfjs-wasm',
  'backend each); their gradient sums are added on the main thread and every worker applies the same update.',
  '',
  ...configs.map(({ length, batch }) => {
    const of = (engine: string, parallelism: string) =>
      rows.find(
        (row) =>
          row.config === `mini / ${length} / batch ${batch}` &&
          row.engine.startsWith(engine) &&
          row.parallelism.startsWith(parallelism),
      );
    const one = of('tfjs', '1 worker');
    const two = of('tfjs', '2 workers');
    const torchBest = Math.max(
      of('PyTorch', '1 thread')?.tokensPerSecond ?? 0,
      of('PyTorch', '2 threads')?.tokensPerSecond ?? 0,
    );
    const tfjsBest = Math.max(one?.tokensPerSecond ?? 0, two?.tokensPerSecond ?? 0);
    return `- ${length} tokens: 2 workers / 1 worker = ${number((two?.tokensPerSecond ?? 0) / (one?.tokensPerSecond ?? 1), 2)}× (goal ≥ 1.7×); PyTorch's best / tfjs' best = ${number(torchBest / Math.max(tfjsBest, 1e-9), 1)}× (goal ≤ 2×).`;
  }),
  '',
  'A second worker can only help when a second core is free: read the ratios together with the load',
  'column (above a load of ~1 on this 2-core machine the second core is shared with other jobs).',
  '',
  '## A coding head on a frozen vs a tuned encoder (mini / 128 / batch 8, 50 labels, BCE, in-process)',
  '',
  '| encoder | s/update | load |',
  '| --- | ---: | --- |',
  `| frozen (head trained, encoder forward only) | ${number(frozen.stepSeconds, 2)} | ${headLoad} → ${headLoadAfter} |`,
  `| tuned with the head (two AdamW groups) | ${number(tuned.stepSeconds, 2)} | ${headLoad} → ${headLoadAfter} |`,
  '',
  `Freezing saves ${number(100 * (1 - frozen.stepSeconds / tuned.stepSeconds))}% of the update time here: no encoder backward pass and no encoder optimizer step.`,
  '',
];
writeFileSync(join(repositoryRoot, 'docs/benchmarks/train.md'), `${lines.join('\n')}\n`);
console.log('wrote docs/benchmarks/train.md');
