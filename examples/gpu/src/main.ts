/**
 * Which TensorFlow.js backends icd can use on this machine, and a tiny run on the best of them:
 *
 *   1. probe every backend `selectBackend` of @icd/bert knows (tensorflow = tfjs-node(-gpu), webgpu,
 *      webgl, wasm, cpu) and print what is there and, for what is not, the typed error saying why;
 *   2. on the best available one (tensorflow > webgpu > wasm > cpu, or `--backend <name>`): a tiny
 *      BERT masked LM (random weights, a vocabulary trained on a few synthetic notes) — one forward,
 *      checked against the plain-JavaScript `cpu` backend (max |Δ| ≤ 1e-3), and one masked-LM training
 *      step through @icd/train (finite loss, weights changed, no tensor leaked);
 *   3. what the same code would run on with a GPU.
 *
 * Exit code 0 when all checks pass, 1 otherwise (CI runs it). See README.md for the GPU set-up.
 * Run: `pnpm --filter @icd/example-gpu start [-- --backend wasm]` (or ICD_BACKEND=wasm).
 */
import {
  type BackendName,
  BertConfig,
  BertForMaskedLM,
  backendNames,
  bertForMaskedLMPretrainable,
  MaskedLMTrainer,
  packSequences,
  selectBackend,
} from '@icd/bert/node';
import { IcdError } from '@icd/core';
import { generateCardiologyCorpus } from '@icd/data';
import { WordPieceTrainer } from '@icd/tokenizer';
import * as tf from '@tensorflow/tfjs-core';

// tfjs's cpu backend prints a "install tfjs-node" banner on first use in Node; that advice is what
// README.md explains, so the banner is silenced (PROD only turns off tfjs warnings and debug checks).
tf.env().set('PROD', true);
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

// --backend <name> or ICD_BACKEND forces a backend (and fails when it is not available).
const flag = process.argv.indexOf('--backend');
const forced = (flag >= 0 ? process.argv[flag + 1] : process.env.ICD_BACKEND) as BackendName | undefined;
if (forced !== undefined && !(backendNames as readonly string[]).includes(forced)) {
  console.error(`--backend must be one of ${backendNames.join(', ')}; got ${JSON.stringify(forced)}`);
  process.exit(2);
}

// 1. Probe. `selectBackend` throws an UnsupportedError that says what is missing (a package, a driver,
// a browser); anything else is a bug and fails the run.
const isBrowserOnly = (name: BackendName) => name === 'webgl';
const available = new Map<BackendName, string>();
console.log(`[${seconds()} s] backends (Node ${process.version}, ${process.platform}-${process.arch}):`);
for (const name of ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] as const) {
  if (isBrowserOnly(name)) {
    console.log(`  ${name.padEnd(10)} browsers only (tfjs-backend-webgl needs a WebGL context)`);
    continue;
  }
  try {
    const report = await selectBackend({ backend: name });
    const details =
      name === 'wasm'
        ? `SIMD ${report.simd ? 'yes' : 'no'}, threads ${report.multiThreaded ? 'several' : 'one'}`
        : name === 'tensorflow'
          ? `${report.package}${report.package?.endsWith('-gpu') ? ' (CUDA)' : ' (CPU build)'}`
          : name === 'webgpu'
            ? `adapter ${JSON.stringify(report.adapter)}`
            : 'plain JavaScript kernels';
    available.set(name, details);
    console.log(`  ${name.padEnd(10)} available: ${details}`);
  } catch (error) {
    if (!IcdError.isInstance(error)) throw error;
    const reason = String((error as Error).message).split(/(?<=\.) /)[0];
    console.log(`  ${name.padEnd(10)} not available: ${reason}`);
  }
}
check(available.has('cpu') && available.has('wasm'), 'the cpu and wasm backends are always there');

const preference: BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
const best = forced ?? preference.find((name) => available.has(name))!;
if (!available.has(best)) {
  console.error(`backend ${best} was asked for but is not available here (see above)`);
  process.exit(1);
}

// 2. A tiny masked LM on `best`, with the cpu backend as the reference.
const notes = generateCardiologyCorpus({ size: 40, seed: 3, words: [20, 40] }).map((note) => note.text);
const vocabulary = await new WordPieceTrainer({ vocabSize: 600, minFrequency: 2 }).train(notes);
const tokenizer = vocabulary.toTokenizer();
const config = new BertConfig({
  vocabSize: tokenizer.vocabSize,
  hiddenSize: 32,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 64,
  maxPositionEmbeddings: 64,
});
const encoded = notes
  .slice(0, 4)
  .map((text) => tokenizer.encode(text, null, { maxLength: 32, truncation: true }));
const length = Math.max(...encoded.map((e) => e.ids.length));
const inputIds = encoded.map((e) => [...e.ids, ...new Array(length - e.ids.length).fill(0)]);
const attentionMask = encoded.map((e) => e.ids.map(() => 1).concat(new Array(length - e.ids.length).fill(0)));

async function forwardOn(backend: BackendName): Promise<{ hidden: Float32Array; ms: number }> {
  await selectBackend({ backend });
  const model = new BertForMaskedLM(config, { seed: 11, tokenizer });
  try {
    await model.encode({ inputIds, attentionMask }); // warm-up (kernel compilation on GPU backends)
    const clock = performance.now();
    const { lastHiddenState } = await model.encode({ inputIds, attentionMask });
    return { hidden: Float32Array.from(lastHiddenState.data), ms: performance.now() - clock };
  } finally {
    model.dispose();
  }
}

console.log(
  `[${seconds()} s] tiny BERT (hidden 32, 2 layers, vocabulary ${tokenizer.vocabSize}) on ${best}:`,
);
const reference = await forwardOn('cpu');
const run = best === 'cpu' ? reference : await forwardOn(best);
let maxDiff = 0;
for (let i = 0; i < reference.hidden.length; i++)
  maxDiff = Math.max(maxDiff, Math.abs(reference.hidden[i]! - run.hidden[i]!));
console.log(
  `  forward [${inputIds.length}, ${length}] in ${run.ms.toFixed(1)} ms on ${best} (${reference.ms.toFixed(1)} ms on cpu)`,
);
check(
  run.hidden.length === inputIds.length * length * 32 && run.hidden.every(Number.isFinite),
  'last hidden state: right shape, finite',
);
check(
  maxDiff <= 1e-3,
  `same last hidden state as the cpu backend (max |Δ| ${maxDiff.toExponential(1)} ≤ 1e-3)`,
);

await selectBackend({ backend: best });
const before = tf.memory().numTensors;
const model = new BertForMaskedLM(config, { seed: 11, tokenizer });
const weight = [...model.weights.entries()].find(([key]) =>
  key.endsWith('encoder.layer.0.attention.self.query.weight'),
)?.[1];
const initial = weight ? Float32Array.from(await weight.data()) : new Float32Array();
const trainer = new MaskedLMTrainer(
  bertForMaskedLMPretrainable(model),
  () => packSequences(notes, tokenizer, { maxLength: 64 }),
  {
    totalSteps: 1,
    batchSize: 8,
    learningRate: 1e-3,
    seed: 5,
    maskTokenId: tokenizer.tokenToId('[MASK]')!,
    padTokenId: tokenizer.tokenToId('[PAD]')!,
    progress: false,
  },
);
const clock = performance.now();
const result = await trainer.train();
const stepMs = performance.now() - clock;
const after = weight ? Float32Array.from(await weight.data()) : new Float32Array();
trainer.dispose();
model.dispose();
console.log(
  `  one masked-LM update (batch 8 × 64 tokens, AdamW) in ${stepMs.toFixed(0)} ms: loss ${result.meanLoss.toFixed(3)} (ln ${tokenizer.vocabSize} = ${Math.log(tokenizer.vocabSize).toFixed(3)} at random)`,
);
check(result.step === 1 && Number.isFinite(result.meanLoss), 'the update ran and its loss is finite');
check(
  weight !== undefined && initial.some((value, i) => value !== after[i]),
  'the update changed the weights',
);
check(tf.memory().numTensors === before, `no tensor leaked (${tf.memory().numTensors} live, as before)`);

// 3. What a GPU machine would use.
console.log(`[${seconds()} s] on a GPU machine the same code would run on:`);
console.log(
  available.has('tensorflow')
    ? `  tensorflow (${available.get('tensorflow')}): selectBackend({ backend: 'tensorflow' }) — in use above.`
    : "  tensorflow with CUDA after `npm install @tensorflow/tfjs-node-gpu@4.22.0` (Linux x64, CUDA 11.2, cuDNN 8.1): selectBackend({ backend: 'tensorflow' })",
);
console.log(
  available.has('webgpu')
    ? `  webgpu (${available.get('webgpu')}): selectBackend({ backend: 'webgpu' }).`
    : "  webgpu on Dawn after `npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0` and a Vulkan driver (apt-get install libvulkan1), or in a browser with navigator.gpu: selectBackend({ backend: 'webgpu' })",
);
console.log(`  here: ${best}. Run again with --backend <name> to force one.`);

if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`[${seconds()} s] all checks passed`);
