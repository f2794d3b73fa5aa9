/**
 * The GPU checks of the GPU-path issue, run ON the device machine by `run-on-device.sh` (bundled into one
 * file by `pack.ts`, started with the carried Node binary), and here with `--backend cpu --quick` as a dry
 * run of the same code (CI runs that). One process, one JSON file with:
 * - parity: the forward pass of a fixed seeded BERT on the target backend vs tfjs `cpu` (max |Δ| ≤ 1e-3);
 * - loss curve: 20 masked-LM updates through `@icd/train`'s Trainer on both backends from the same seed
 *   (same masks, dropout and data), per-step losses within 1e-2;
 * - forward latency (median) for mini and base at 128 and 512 tokens, batch 1 and 8;
 * - training throughput (tokens/s) for the same sizes and lengths, micro-batch 8.
 * Each section is written as soon as it ends, and a failing section is recorded, not fatal, so a lease
 * that runs out still returns what was measured.
 *
 *   node device-checks.mjs --backend webgpu --dawn /tmp/dawn.node --out results.json
 *   pnpm --filter @icd/bench exec tsx src/gpu/device-checks.ts --backend cpu --quick --out /tmp/gpu-dry.json
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import {
  type BackendName,
  type BackendReport,
  BertConfig,
  BertForMaskedLM,
  BertModel,
  bertForMaskedLMPretrainable,
  disposeOutput,
  type GpuLike,
  MaskedLMCollator,
  maskedLMObjective,
  selectBackend,
  type TokenSequence,
} from '@icd/bert';
import { AdamW, RandomGenerator, Trainer } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';

interface Size {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly vocab: number;
}

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const backend = (flag('backend') ?? 'webgpu') as BackendName;
const quick = argv.includes('--quick');
const out = flag('out') ?? 'gpu-results.json';
const dawnPath = flag('dawn');

const sizes: readonly Size[] = quick
  ? [{ name: 'tiny', layers: 2, hidden: 64, heads: 2, vocab: 1000 }]
  : [
      { name: 'mini', layers: 4, hidden: 256, heads: 4, vocab: 30522 },
      { name: 'base', layers: 12, hidden: 768, heads: 12, vocab: 30522 },
    ];
const lengths = quick ? [16, 32] : [128, 512];
const batches = quick ? [1, 2] : [1, 8];
const curveSteps = quick ? 3 : 20;
const paritySize = sizes[0]!;

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  command: `node device-checks.mjs ${argv.join(' ')}`,
  machine: {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load: loadavg().map((value) => Number(value.toFixed(2))),
  },
  backend,
  quick,
};
const save = () => writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

function configOf(size: Size): BertConfig {
  return new BertConfig({
    vocabSize: size.vocab,
    hiddenSize: size.hidden,
    numHiddenLayers: size.layers,
    numAttentionHeads: size.heads,
    intermediateSize: size.hidden * 4,
  });
}

/** `count` sequences of `length` tokens, [CLS] random ids [SEP], the same on every backend. */
function sequences(count: number, length: number, vocab: number, seed = 7): TokenSequence[] {
  const random = new RandomGenerator(seed);
  return Array.from({ length: count }, () => {
    const inputIds = new Int32Array(length);
    const specialTokensMask = new Uint8Array(length);
    for (let i = 1; i < length - 1; i++) inputIds[i] = 5 + random.nextInt(vocab - 5);
    inputIds[0] = 2;
    inputIds[length - 1] = 3;
    specialTokensMask[0] = specialTokensMask[length - 1] = 1;
    return { inputIds, specialTokensMask };
  });
}

let gpu: GpuLike | undefined;
async function useBackend(name: BackendName): Promise<BackendReport> {
  if (name === 'webgpu' && gpu === undefined && dawnPath !== undefined) {
    // The bundle carries dawn.node beside it rather than the whole `webgpu` package.
    const dawn = createRequire(import.meta.url)(dawnPath) as {
      create: (options: string[]) => GpuLike;
      globals: Record<string, unknown>;
    };
    Object.assign(globalThis, dawn.globals);
    gpu = dawn.create([]);
  }
  if (name === 'webgpu' && tf.findBackendFactory('webgpu') === null) {
    // The bundle has no node_modules for selectBackend to import the backend from, and the backend
    // registers itself only if navigator.gpu exists when it is evaluated: set it, then import it here.
    const scope = globalThis as { navigator?: { gpu?: unknown } };
    if (gpu !== undefined && scope.navigator?.gpu === undefined) {
      if (scope.navigator === undefined)
        Object.defineProperty(globalThis, 'navigator', {
          value: { gpu },
          configurable: true,
          writable: true,
        });
      else Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
    }
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  return selectBackend(name === 'webgpu' ? { backend: name, ...(gpu ? { gpu } : {}) } : { backend: name });
}

async function section(name: string, run: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  console.error(`[gpu-checks] ${name} …`);
  try {
    results[name] = await run();
  } catch (error) {
    results[name] = { error: String((error as Error)?.stack ?? error) };
    console.error(`[gpu-checks] ${name} failed: ${String(error)}`);
  }
  console.error(`[gpu-checks] ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  save();
}

/** Last hidden states of a seeded BERT over a padded batch, read back with `await data()`. */
async function parityOutputs(): Promise<Float32Array> {
  const model = new BertModel(configOf(paritySize), { seed: 1 });
  const length = quick ? 16 : 64;
  const lengthsInBatch = [length, Math.floor(length / 2), 5];
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  const random = new RandomGenerator(11);
  for (const used of lengthsInBatch) {
    inputIds.push(
      Array.from({ length }, (_, i) => (i < used ? 5 + random.nextInt(paritySize.vocab - 5) : 0)),
    );
    attentionMask.push(Array.from({ length }, (_, i) => (i < used ? 1 : 0)));
  }
  const output = model.forward({ inputIds, attentionMask });
  const values = (await output.lastHiddenState.data()) as Float32Array;
  disposeOutput(output);
  model.dispose();
  return values;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

async function lossCurve(steps: number): Promise<number[]> {
  const size = paritySize;
  const model = new BertForMaskedLM(configOf(size), { seed: 1 });
  const pretrainable = bertForMaskedLMPretrainable(model);
  const collator = new MaskedLMCollator({ maskTokenId: 4, padTokenId: 0, vocabSize: size.vocab });
  const data = sequences(4 * steps, quick ? 32 : 128, size.vocab);
  const microBatches = Array.from({ length: steps }, (_, b) => data.slice(b * 4, (b + 1) * 4));
  const trainer = new Trainer({
    batches: () => microBatches,
    objective: maskedLMObjective(pretrainable, collator),
    groups: [
      {
        name: 'model',
        parameters: pretrainable.weights,
        optimizer: new AdamW(pretrainable.weights, { learningRate: 5e-4 }),
      },
    ],
    totalSteps: steps,
    logEvery: 1,
    progress: false,
    seed: 42,
  });
  await trainer.train({ maxSteps: steps });
  const losses = trainer.history.map((entry) => entry.loss);
  model.dispose();
  return losses;
}

async function main(): Promise<void> {
  // Reference first, on tfjs cpu: the plain JavaScript kernels.
  await selectBackend({ backend: 'cpu' });
  const referenceHidden = await parityOutputs();
  const referenceCurve = await lossCurve(curveSteps);
  const report = await useBackend(backend);
  results.backendReport = report;
  console.error(`[gpu-checks] backend ${JSON.stringify(report)}`);
  save();

  await section('parity', async () => {
    const hidden = await parityOutputs();
    const maxAbs = maxAbsDifference(hidden, referenceHidden);
    return { model: paritySize.name, values: hidden.length, maxAbsDifference: maxAbs, pass: maxAbs <= 1e-3 };
  });
  await section('lossCurve', async () => {
    const curve = await lossCurve(curveSteps);
    const maxAbs = maxAbsDifference(curve, referenceCurve);
    return {
      steps: curveSteps,
      reference: referenceCurve,
      target: curve,
      maxAbsDifference: maxAbs,
      pass: curve.length === referenceCurve.length && maxAbs <= 1e-2,
    };
  });
  await section('forward', async () => {
    const rows: unknown[] = [];
    for (const size of sizes) {
      const model = new BertModel(configOf(size), { seed: 1 });
      for (const length of lengths) {
        for (const batch of batches) {
          const ids = sequences(batch, length, size.vocab).map((sequence) => Array.from(sequence.inputIds));
          const run = async () => {
            const output = model.forward({ inputIds: ids });
            await output.lastHiddenState.data();
            disposeOutput(output);
          };
          for (let warm = 0; warm < 2; warm++) await run();
          const times: number[] = [];
          const started = performance.now();
          while (times.length < 3 || (performance.now() - started < 2000 && times.length < 20)) {
            const t0 = performance.now();
            await run();
            times.push(performance.now() - t0);
          }
          times.sort((a, b) => a - b);
          const medianMs = times[Math.floor(times.length / 2)]!;
          rows.push({ size: size.name, length, batch, medianMs, runs: times.length });
          console.error(`[gpu-checks] forward ${size.name}/${length}/b${batch}: ${medianMs.toFixed(2)} ms`);
          save();
        }
      }
      model.dispose();
    }
    return rows;
  });
  await section('training', async () => {
    const rows: unknown[] = [];
    for (const size of sizes) {
      for (const length of lengths) {
        const model = new BertForMaskedLM(configOf(size), { seed: 1 });
        const pretrainable = bertForMaskedLMPretrainable(model);
        const collator = new MaskedLMCollator({ maskTokenId: 4, padTokenId: 0, vocabSize: size.vocab });
        const microBatch = quick ? 2 : 8;
        const data = sequences(microBatch * 4, length, size.vocab);
        const microBatches = Array.from({ length: 4 }, (_, b) =>
          data.slice(b * microBatch, (b + 1) * microBatch),
        );
        const trainer = new Trainer({
          batches: () => microBatches,
          objective: maskedLMObjective(pretrainable, collator),
          groups: [
            {
              name: 'model',
              parameters: pretrainable.weights,
              optimizer: new AdamW(pretrainable.weights, { learningRate: 1e-4 }),
            },
          ],
          totalSteps: 100,
          progress: false,
        });
        await trainer.train({ maxSteps: 2 });
        const timed = await trainer.train({ maxSteps: quick ? 2 : 6 });
        rows.push({
          size: size.name,
          length,
          microBatch,
          updates: timed.step - 2,
          seconds: timed.seconds,
          tokensPerSecond: timed.tokensPerSecond,
        });
        console.error(
          `[gpu-checks] training ${size.name}/${length}: ${timed.tokensPerSecond.toFixed(0)} tokens/s`,
        );
        model.dispose();
        save();
      }
    }
    return rows;
  });
  results.memory = tf.memory();
  save();
}

main()
  .then(() => {
    console.error(`[gpu-checks] wrote ${out}`);
    const checks = ['parity', 'lossCurve'].map((name) => results[name] as { pass?: boolean } | undefined);
    const passed = checks.every((check) => check?.pass === true);
    console.error(`[gpu-checks] parity and loss curve: ${passed ? 'pass' : 'FAIL'}`);
    // Dawn keeps the event loop alive; the results are on disk.
    process.exit(passed ? 0 : 1);
  })
  .catch((error: unknown) => {
    results.fatal = String((error as Error)?.stack ?? error);
    save();
    console.error(error);
    process.exit(1);
  });
