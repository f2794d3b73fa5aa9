// Markdown for docs/benchmarks/onnx.md: the measured tables and the notes on method.
import type { DownstreamCost, TrainedCheckpointCost } from './downstream.js';
import type { Timing } from './timing.js';

export interface Case {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly length: number;
  readonly batch: number;
}

export interface BenchRow extends Case {
  /** Absent when skipped; then the projected wall time. */
  readonly tfjs?: Timing;
  readonly tfjsProjectedMs?: number;
  readonly ortFp32: Timing;
  readonly ortInt8: Timing;
  readonly ortFused: Timing;
}

export interface TorchResult {
  readonly torch: string;
  readonly threads: number;
  readonly sgemm: readonly (Timing & { gflops: number })[];
  readonly results: readonly (Case & Partial<Timing> & { skipped?: string })[];
}

/** 2 × multiply-adds of one forward pass: Q, K, V, output and feed-forward dense layers, Q·Kᵀ and P·V. */
export function forwardFlops({ layers, hidden, length, batch }: Case): number {
  const tokens = batch * length;
  const dense = 2 * tokens * (4 * hidden * hidden + 2 * hidden * 4 * hidden);
  const attention = 2 * 2 * batch * length * length * hidden;
  return layers * (dense + attention);
}

const key = (item: Case) => `${item.layers}/${item.hidden}/${item.length}/${item.batch}`;
const ms = (timing: Timing | undefined) =>
  timing ? `${timing.wallMs.toFixed(timing.wallMs < 100 ? 1 : 0)}${timing.runs === 1 ? '¹' : ''}` : '–';
/** GFLOP per second of process CPU time: robust to waiting for a core on a shared machine. */
const cpuRate = (item: Case, timing: Timing) => forwardFlops(item) / timing.cpuMs / 1e6;
const rate = (item: Case, timing: Timing | undefined) => (timing ? cpuRate(item, timing).toFixed(1) : '–');
const sgemmFlops = 2 * 2048 ** 3;

export function renderReport(figures: {
  date: string;
  machine: string;
  load: string;
  command: string;
  threads: number;
  rows: readonly BenchRow[];
  torch: TorchResult | undefined;
  exports: readonly string[];
  deviations: readonly string[];
  downstream: DownstreamCost;
  trained: TrainedCheckpointCost | undefined;
  tensorsLeft: number;
}): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const trained = figures.trained
    ? `On a trained model: the tiny English BERT pretrained on CodiEsp (\`checkpoints/codiesp-en-tiny-v8000-s42\`,
2 layers × 128, vocabulary 8,000, made by \`pnpm --filter @icd/bench pretrain-codiesp\`; git-ignored, so
this section appears only where it exists), loaded twice with \`loadMaskedLM(dir, { engine: 'onnx' })\`,
fp32 and \`export: { quantization: 'int8' }\`:

| task | fp32 | int8 | predictions equal to fp32's |
|---|---:|---:|---:|
| synthetic cardiology classifier (as above, this encoder's tokenizer), accuracy on ${figures.trained.classifier.testNotes} notes | ${percent(figures.trained.classifier.accuracyFp32)} | ${percent(figures.trained.classifier.accuracyInt8)} | ${percent(figures.trained.classifier.agreement)} |
| masked-token top-1 on ${figures.trained.maskedLM.notes} CodiEsp dev notes (held out from pretraining; evaluation only), ${figures.trained.maskedLM.maskedTokens} tokens (every 7th of each 128-token window) | ${percent(figures.trained.maskedLM.accuracyFp32)} | ${percent(figures.trained.maskedLM.accuracyInt8)} | ${percent(figures.trained.maskedLM.agreement)} |

The checkpoint is weakly trained (40 minutes on this CPU: dev masked-token accuracy 8.7% in its own
manifest), so the absolute figures are low; what they measure is how often int8 changes a trained
model's decision.`
    : 'The pretrained CodiEsp checkpoint (`checkpoints/codiesp-en-tiny-v8000-s42`) was not found, so the cost on a trained model was not measured in this run.';
  const torchRows = new Map((figures.torch?.results ?? []).map((row) => [key(row), row]));
  const peaks = (figures.torch?.sgemm ?? []).map((entry) => sgemmFlops / entry.cpuMs / 1e6);
  const peak = peaks.length > 0 ? Math.max(...peaks) : undefined;
  const latency = [
    '| model (layers, hidden) | tokens | batch | tfjs-wasm ms | ORT fp32 ms | ORT fused ms | ORT int8 ms | PyTorch ms | best ORT fp32 / PyTorch | GFLOP per CPU-s tfjs · fp32 · fused · int8 · PyTorch | best ORT fp32 % of peak |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  const cpu = [
    '| model | tokens | batch | tfjs-wasm | ORT fp32 | ORT fused | ORT int8 | PyTorch |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of figures.rows) {
    const found = torchRows.get(key(row));
    const reference = found?.wallMs !== undefined ? (found as Case & Timing) : undefined;
    const tfjsCell = row.tfjs
      ? ms(row.tfjs)
      : `skipped (projected ${((row.tfjsProjectedMs ?? 0) / 1000).toFixed(0)} CPU-s)`;
    const torchCell = reference ? ms(reference) : (found?.skipped ?? '–');
    const best = row.ortFused.wallMs < row.ortFp32.wallMs ? row.ortFused : row.ortFp32;
    const fraction = peak ? `${((cpuRate(row, best) / peak) * 100).toFixed(0)}%` : '–';
    latency.push(
      `| ${row.name} (${row.layers}, ${row.hidden}) | ${row.length} | ${row.batch} | ${tfjsCell} | ${ms(row.ortFp32)} | ${ms(row.ortFused)} | ${ms(row.ortInt8)} | ${torchCell} | ${reference ? (best.wallMs / reference.wallMs).toFixed(2) : '–'} | ${rate(row, row.tfjs)} · ${rate(row, row.ortFp32)} · ${rate(row, row.ortFused)} · ${rate(row, row.ortInt8)} · ${rate(row, reference)} | ${fraction} |`,
    );
    cpu.push(
      `| ${row.name} | ${row.length} | ${row.batch} | ${row.tfjs ? row.tfjs.cpuMs.toFixed(0) : '–'} | ${row.ortFp32.cpuMs.toFixed(0)} | ${row.ortFused.cpuMs.toFixed(0)} | ${row.ortInt8.cpuMs.toFixed(0)} | ${reference ? reference.cpuMs.toFixed(0) : '–'} |`,
    );
  }
  // The issue's goals, judged on the median wall time; the fastest run and CPU time / threads (what an
  // otherwise idle machine would give at best) say how far the load moved them.
  const cell = (name: string, length: number, batch: number) =>
    figures.rows.find((row) => row.name === name && row.length === length && row.batch === batch);
  const bestFp32 = (row: BenchRow) => (row.ortFused.wallMs < row.ortFp32.wallMs ? row.ortFused : row.ortFp32);
  const goalRow = (label: string, row: BenchRow | undefined, limitMs: number) => {
    if (!row) return `| ${label} | not run | – | – | – |`;
    const best = bestFp32(row);
    const plain = row.ortFp32;
    const idle = Math.min(plain.cpuMs, row.ortFused.cpuMs) / figures.threads;
    return `| ${label} | ${plain.wallMs.toFixed(0)} ms fp32, ${row.ortFused.wallMs.toFixed(0)} ms fused | ${(best.minWallMs ?? best.wallMs).toFixed(0)} ms | ${idle.toFixed(0)} ms | ${best.wallMs < limitMs ? 'yes' : (best.minWallMs ?? best.wallMs) < limitMs ? 'on the fastest run only' : idle < limitMs ? 'no (CPU time / threads is under it: the load)' : 'no'} |`;
  };
  const compared = figures.rows.flatMap((row) => {
    const found = torchRows.get(key(row));
    return found?.wallMs !== undefined ? [{ row, torch: found as Case & Timing }] : [];
  });
  const ahead = compared.filter(({ row, torch }) => bestFp32(row).wallMs <= torch.wallMs).length;
  const aheadCpu = compared.filter(
    ({ row, torch }) => Math.min(row.ortFp32.cpuMs, row.ortFused.cpuMs) <= torch.cpuMs,
  ).length;
  const goals = [
    '| goal | median wall | fastest run | CPU time / threads | met (median wall) |',
    '|---|---:|---:|---:|---|',
    `| ONNX fp32 ≤ PyTorch on every cell (${figures.threads} threads) | ${ahead} of ${compared.length} cells PyTorch ran | – | ${aheadCpu} of ${compared.length} cells by CPU time | ${compared.length === 0 ? 'not measured' : ahead === compared.length ? 'yes on the cells measured' : 'no'} |`,
    goalRow('mini / 512 / batch 1 < 50 ms', cell('mini', 512, 1), 50),
    goalRow('base / 512 / batch 1 < 1 s', cell('base', 512, 1), 1000),
  ];
  const sgemm = figures.torch
    ? `${figures.torch.sgemm.map((entry) => `${entry.gflops.toFixed(1)} GFLOP/s wall, ${(sgemmFlops / entry.cpuMs / 1e6).toFixed(1)} per CPU-second`).join('; ')} (before and after the PyTorch forward runs; the higher per-CPU-second rate is the peak)`
    : 'unavailable (PyTorch did not run)';
  return `# @icd/onnx: ONNX Runtime vs tfjs-wasm vs PyTorch

Generated by \`bench/src/onnx/main.ts\` on ${figures.date}.

- Machine: ${figures.machine}; load average (1, 5, 15 min): ${figures.load}. **Shared with other jobs**:
  compare the columns of one row, not runs.
- Command: \`${figures.command}\` (PyTorch side: \`bench/src/onnx/torch_bench.py\`, run by main.ts in the same run).
- ONNX Runtime: onnxruntime-node 1.30.0 (CPU execution provider), \`intraOpNumThreads: ${figures.threads}\`,
  graph optimisation level \`all\`, through \`OnnxEncoder.encode\` (the public API, TensorData out).
  Files from \`exportOnnx(model)\` (standard operators; "fp32"), \`exportOnnx(model, { fusedOperators: true })\`
  (com.microsoft \`Attention\` + \`SkipLayerNormalization\`; "fused") and \`exportOnnx(model, { quantization: 'int8' })\`.
- tfjs-wasm: @icd/bert's \`BertModel.forward\` on tfjs-backend-wasm 4.22.0 (XNNPACK, SIMD, one thread: tfjs-wasm
  cannot use threads in Node, see benchmarks/bert.md).
- PyTorch ${figures.torch?.torch ?? 'unavailable'} on ${figures.torch?.threads ?? figures.threads} threads, the HF-equivalent module tree of
  \`packages/bert/scripts/make-parity-fixture.py\`, eval mode, \`inference_mode\`.
- Peak: 2048 × 2048 × 2048 float32 \`torch.mm\` on ${figures.threads} threads: ${sgemm}.
- Exports: ${figures.exports.join('; ')}.

Random weights (seed 1; vocabulary 30,522, heads = hidden / 64, intermediate = 4 × hidden), full-length
inputs without padding. **Wall time**, median of runs repeated for at least 1 s after a warm-up; ¹ marks a
case whose warm-up took over 3 s, reported from that single run. To keep the run short on a shared
machine, tfjs-wasm and PyTorch cells projected (from the slowest rate per CPU-second seen earlier in the
run) to need over 10 CPU-s (tfjs-wasm) or 40 CPU-s (PyTorch, the goal's reference) are skipped;
benchmarks/bert.md has tfjs-wasm's and 1-thread PyTorch's figures for every cell from a quiet run. The FLOP count is 2 × the multiply-adds
of the Q, K, V, output and feed-forward dense layers and of Q·Kᵀ and P·V. Rates are per second of
**process CPU time** (all threads), not wall time: on a loaded 2-core machine wall time mostly measures
waiting for a core, while CPU time measures the work; "% of peak" divides ORT fp32's rate by the sgemm's
rate per CPU-second (what one busy core achieves in the best case). Under heavy load the sgemm and a
forward pass see different contention (measured minutes apart), so the fraction can exceed 100%: then
read it as "at the matmul rate", not as a precise ratio.

${latency.join('\n')}

Goals of the issue ("fp32" is the best of the standard and the fused export; PyTorch cells skipped for
time are not compared):

${goals.join('\n')}

Process CPU time (ms, user + system over all threads; tfjs-wasm uses one):

${cpu.join('\n')}

## int8 vs fp32

Per-token cosine similarity of \`last_hidden_state\` (batch 8 × 128 tokens, the inputs above) between the
int8 and fp32 exports on ONNX Runtime, and between ORT fp32 and tfjs-wasm (the parity check at scale):

| model | int8 vs fp32: mean cosine | int8 vs fp32: min cosine | ORT fp32 vs tfjs: min cosine | ORT fp32 vs tfjs: max abs diff |
|---|---:|---:|---:|---:|
${figures.deviations.join('\n')}

Downstream: the synthetic cardiology corpus of @icd/data (600 notes, seed 15, 40–200 words,
${figures.downstream.classes} classes), a 3,000-word WordPiece vocabulary trained on the first
${figures.downstream.trainNotes} notes, BERT-mini with random weights (seed 1), notes truncated to 128
tokens, mean-pooled \`last_hidden_state\` as features; a softmax-regression classifier trained on the fp32
features of the first ${figures.downstream.trainNotes} notes, applied to the fp32 and the int8 features of
the other ${figures.downstream.testNotes}:

| features | accuracy | predictions equal to fp32's |
|---|---:|---:|
| ORT fp32 | ${(figures.downstream.accuracyFp32 * 100).toFixed(1)}% | – |
| ORT int8 | ${(figures.downstream.accuracyInt8 * 100).toFixed(1)}% | ${(figures.downstream.agreement * 100).toFixed(1)}% |

With random weights the encoder is a fixed random feature map, so these figures measure how much int8
moves a classifier's decisions, not what a trained model reaches.

${trained}

tfjs tensors alive after the run: ${figures.tensorsLeft}.
`;
}
