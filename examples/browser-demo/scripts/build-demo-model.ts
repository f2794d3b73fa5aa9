/**
 * Builds the demo's model folder (`public/model/`, git-ignored) through icd's own APIs, the way a user
 * exports one: synthetic cardiology notes (@icd/data, clearly synthetic) → a WordPiece vocabulary
 * trained on them → a small BERT → a label-attention head trained on its cached hidden states
 * (@icd/heads, thresholds tuned on a validation split) → `saveModelFolder` (@icd/pipeline/node) with
 * the 13 codes' displays and dictionary terms (for negated mentions), and the encoder as ONNX
 * (`exportOnnx` of @icd/onnx → `encoder/model.onnx`, HF optimum's place for it) for onnxruntime-web.
 * Also copies tfjs's wasm binaries to `public/wasm/` (onnxruntime-web's is emitted by Vite into
 * `assets/`): the page never fetches from a CDN. Skips the work when the folder is there and was made
 * with this recipe (`--force` rebuilds).
 *
 * The model is small so that CI builds it in well under a minute: the page is tested for doing in the
 * browser exactly what the Node pipeline does with the same folder, not for coding quality.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertConfig, BertModel, selectBackend } from '@icd/bert';
import { generateCardiologyCorpus, MDR_BERT_CODES, stratifiedSplit } from '@icd/data';
import { cacheHiddenStates, HeadCoder, LabelAttention, trainHead } from '@icd/heads';
import { exportOnnx, onnxOpset } from '@icd/onnx';
import { codeSetFromList, hashNotes, sha256Hex } from '@icd/pipeline';
import { saveModelFolder } from '@icd/pipeline/node';
import { WordPieceTrainer } from '@icd/tokenizer';
import { ONNX_ENCODER_FILE } from '../src/messages.js';

const here = dirname(fileURLToPath(import.meta.url));
const publicFolder = join(here, '..', 'public');
const modelFolder = join(publicFolder, 'model');
const wasmFolder = join(publicFolder, 'wasm');

function copyWasm(): void {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  mkdirSync(wasmFolder, { recursive: true });
  for (const name of readdirSync(dist).filter((file) => file.endsWith('.wasm')))
    copyFileSync(join(dist, name), join(wasmFolder, name));
}

/** The settings the folder was made with: its config hash, so a changed recipe rebuilds it. */
export const demoRecipe = {
  corpus: { size: 200, seed: 5, labelNoise: 0, words: [150, 300] as [number, number] },
  vocabulary: { vocabSize: 1500, minFrequency: 2 },
  bert: { hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 128, seed: 3 },
  head: { projectionSize: 32, seed: 1 },
  training: { epochs: 8, batchSize: 16, learningRate: 3e-3, seed: 42 },
  windowLength: 256,
  onnx: { opset: onnxOpset, file: ONNX_ENCODER_FILE },
} as const;

const recipeHash = async () => sha256Hex(JSON.stringify(demoRecipe));

async function build(): Promise<void> {
  const started = performance.now();
  await selectBackend({ backend: 'wasm' });
  const notes = generateCardiologyCorpus(demoRecipe.corpus);
  const { parts } = stratifiedSplit(notes, {
    seed: 1,
    label: (note) => note.codes[0]!,
    ratios: { train: 4, validation: 1 },
  });
  const train = parts.train!;
  const validation = parts.validation!;
  const vocabulary = await new WordPieceTrainer(demoRecipe.vocabulary).train(train.map((note) => note.text));
  const tokenizer = vocabulary.toTokenizer();
  const { seed, ...bertSettings } = demoRecipe.bert;
  const encoder = new BertModel(
    new BertConfig({ vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: 512, ...bertSettings }),
    { seed },
  );
  const labels = MDR_BERT_CODES.map((entry) => entry.code);
  const cacheOptions = { windowLength: demoRecipe.windowLength };
  const trainCache = await cacheHiddenStates(encoder, tokenizer, train, cacheOptions);
  const validationCache = await cacheHiddenStates(encoder, tokenizer, validation, cacheOptions);
  const head = new LabelAttention({
    labels,
    hiddenSize: demoRecipe.bert.hiddenSize,
    projectionSize: demoRecipe.head.projectionSize,
    seed: demoRecipe.head.seed,
  });
  const result = await trainHead(head, trainCache.notes, {
    ...demoRecipe.training,
    progress: false,
    validation: { examples: validationCache.notes, metric: 'microF1', tuneThreshold: 'global' },
  });
  const coder = new HeadCoder({
    encoder,
    tokenizer,
    head,
    thresholds: result.thresholds,
    windowLength: demoRecipe.windowLength,
  });
  const codeSet = codeSetFromList(
    labels,
    MDR_BERT_CODES.map((entry) => ({ code: entry.code, display: entry.name })),
    { name: 'mdr-bert-cardiology' },
  );
  const evidenceTerms = MDR_BERT_CODES.flatMap((entry) => [
    { code: entry.code, term: entry.name.toLowerCase(), source: 'description' },
    { code: entry.code, term: entry.abbreviation, source: 'abbreviation', caseSensitive: true },
  ]);
  rmSync(modelFolder, { recursive: true, force: true });
  await saveModelFolder(modelFolder, coder, {
    name: 'browser-demo-cardiology (synthetic, for the demo only)',
    codeSet,
    evidenceTerms,
    hashes: {
      config: await recipeHash(),
      data: await hashNotes(train),
    },
    ...(result.validation ? { metrics: { ...result.validation } } : {}),
    data: { train: train.length, validation: validation.length },
  });
  // The same encoder for onnxruntime-web (the head stays tfjs in the page, as in Node's engine 'onnx').
  writeFileSync(join(modelFolder, demoRecipe.onnx.file), await exportOnnx(encoder, { task: 'encoder' }));
  coder.dispose();
  console.log(
    `browser demo model: ${train.length} train / ${validation.length} validation synthetic notes, ` +
      `${tokenizer.vocabSize}-token vocabulary, BERT ${demoRecipe.bert.numHiddenLayers} × ${demoRecipe.bert.hiddenSize}, ` +
      `label attention over ${labels.length} codes; saved to public/model in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** Whether public/model is there, complete, and made with this recipe (its config hash). */
async function upToDate(): Promise<boolean> {
  const pipeline = join(modelFolder, 'pipeline.json');
  if (!existsSync(pipeline) || !existsSync(join(modelFolder, demoRecipe.onnx.file))) return false;
  const stored = JSON.parse(readFileSync(pipeline, 'utf8')) as { hashes?: { config?: string } };
  return stored.hashes?.config === (await recipeHash());
}

copyWasm();
if (process.argv.includes('--force') || !(await upToDate())) await build();
else console.log('browser demo model: public/model is up to date (pass --force to rebuild)');
