/**
 * The main job on the embedded default, end to end through the `icd` CLI of @icd/pipeline (run here
 * in-process; each step prints the command you would type):
 *
 *   1. `icd pretrain`: the synthetic 13-code cardiology corpus of @icd/data (the MDR-BERT study's codes,
 *      every note labelled synthetic), a WordPiece vocabulary trained on its training notes and a small
 *      BERT pretrained on them with the masked-LM objective;
 *   2. `icd train`: prompt learning (@icd/prompt) with the study's mixed template and a soft verbalizer,
 *      early stopping on a validation split carved from train; saved as a model folder with a model card;
 *   3. `icd eval`: accuracy, micro-F1, macro-AUC and CodiEsp MAP on the held-out test split, next to the
 *      multinomial naive-Bayes baseline trained on the same notes;
 *   4. `icd predict`: one test note coded with its evidence, as JSON and as a FHIR R4 Bundle.
 *
 * Everything is written under checkpoints/quickstart/ (git-ignored). On a quiet 2-core machine it takes
 * a few minutes; ICD_QUICKSTART_PRETRAIN_STEPS and ICD_QUICKSTART_EPOCHS shrink it for a smoke test.
 *
 * Run: `pnpm start` (from the repository root). CodiEsp: `pnpm --filter @icd/example-quickstart codiesp`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCardiologyCorpus, MDR_BERT_CODES, stratifiedSplit } from '@icd/data';
import { runCli } from '@icd/pipeline/node';
import { stringify } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const work = join(root, 'checkpoints', 'quickstart');
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const shown = (path: string) => relative(root, path) || '.';

const seed = 13;
const size = 1500;
const config = {
  seed,
  data: { source: 'synthetic', size, labelNoise: 0.05 },
  codeSet: { source: 'mdr-bert' },
  pretrain: {
    out: join(work, 'plm'),
    vocabSize: 3000,
    hiddenSize: 64,
    layers: 2,
    heads: 2,
    maxLength: 96,
    steps: Number(process.env.ICD_QUICKSTART_PRETRAIN_STEPS ?? 100),
    batchSize: 16,
    learningRate: 1e-3,
  },
  model: {
    kind: 'prompt',
    name: 'cardiology-prompt',
    plm: join(work, 'plm'),
    template: 'mixed',
    verbalizer: 'soft',
    maxLength: 96,
  },
  train: {
    epochs: Number(process.env.ICD_QUICKSTART_EPOCHS ?? 2),
    batchSize: 8,
    learningRates: { plm: 2e-3, verbalizer: 7e-3 },
    patience: 2,
  },
  out: join(work, 'model'),
};
await mkdir(work, { recursive: true });
const configFile = join(work, 'icd.yaml');
await writeFile(configFile, stringify(config));

/** Runs one `icd` command (printing it) and stops the job on a non-zero exit code. */
async function icd(...argv: string[]): Promise<void> {
  console.log(
    `\n[${seconds()} s] $ icd ${argv.map((arg) => (arg.startsWith(root) ? shown(arg) : arg)).join(' ')}`,
  );
  const code = await runCli(argv);
  if (code !== 0) {
    console.error(`icd ${argv[0]} exited with ${code}`);
    process.exit(code);
  }
}

console.log(
  `The main job: ${size} synthetic cardiology notes (13 MDR-BERT codes), a small BERT, prompt learning, evaluation, FHIR.`,
);
console.log(`config: ${shown(configFile)}`);
await icd('pretrain', '--config', configFile);
await icd('train', '--config', configFile, '--overwrite');
await icd('eval', '--config', configFile, '--model', config.out);

// One held-out note: the same seeded corpus and split as `data` above, first test note.
const corpus = generateCardiologyCorpus({ size, seed, labelNoise: 0.05 });
const { parts } = stratifiedSplit(corpus, {
  seed,
  label: (note) => note.codes[0]!,
  ratios: { train: 3, validation: 1, test: 1 },
});
const note = parts.test![0]!;
const noteFile = join(work, `${note.id}.txt`);
await writeFile(noteFile, note.text);
const gold = MDR_BERT_CODES.find((entry) => entry.code === note.codes[0]);
console.log(
  `\nOne test note (${note.id}, gold ${note.codes[0]} ${gold?.name ?? ''}):\n${note.text.slice(0, 600)}${note.text.length > 600 ? '…' : ''}`,
);
await icd('predict', '--model', config.out, noteFile, '--format', 'json', '--top-k', '3');
await icd(
  'predict',
  '--model',
  config.out,
  noteFile,
  '--format',
  'fhir',
  '--patient',
  'Patient/example',
  '--predicted-only',
);
console.log(
  `\n[${seconds()} s] done. The model folder, its model card (README.md) and the config are in ${shown(work)}.`,
);
