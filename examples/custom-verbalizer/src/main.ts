/**
 * A downstream verbalizer from @icd/prompt's public API alone (see description-verbalizer.ts), in a
 * prompt model end to end:
 *
 *   synthetic cardiology notes (@icd/data) → a WordPiece vocabulary trained on the training notes →
 *   a small randomly initialised BERT masked LM (@icd/bert) → a mixed template with soft tokens →
 *   DescriptionVerbalizer (ICD-10 descriptions as label words) → a few epochs with @icd/train →
 *   test accuracy → save, reload with the verbalizer's builder, same predictions.
 *
 * The BERT is not pretrained here (so that the example runs in seconds); the point is the extension
 * API, not the accuracy. Run: `pnpm --filter @icd/example-custom-verbalizer start`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertConfig, BertForMaskedLM, selectBackend } from '@icd/bert';
import { generateCardiologyCorpus, MDR_BERT_CODES, stratifiedSplit } from '@icd/data';
import { MixedTemplate, trainPromptModel } from '@icd/prompt';
import { loadPromptModel, PromptForClassification } from '@icd/prompt/node';
import { WordPieceTrainer } from '@icd/tokenizer';
import { DescriptionVerbalizer } from './description-verbalizer.js';

const seed = 7;
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
await selectBackend();

// 1. Data: short synthetic notes, split by code.
const corpus = generateCardiologyCorpus({ size: 390, seed, words: [20, 40] });
const { parts } = stratifiedSplit(corpus, {
  seed,
  label: (note) => note.codes[0]!,
  ratios: { train: 2, test: 1 },
});
const [train, test] = [parts.train!, parts.test!];
console.log(
  `[${seconds()} s] ${train.length} training and ${test.length} test notes, ${MDR_BERT_CODES.length} codes`,
);

// 2. A vocabulary and a small masked LM (random weights).
const vocabulary = await new WordPieceTrainer({ vocabSize: 1500, minFrequency: 2 }).train(
  train.map((n) => n.text),
);
const tokenizer = vocabulary.toTokenizer();
const config = new BertConfig({
  vocabSize: tokenizer.vocabSize,
  hiddenSize: 32,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 64,
  maxPositionEmbeddings: 96,
});
const plm = new BertForMaskedLM(config, { seed, tokenizer });

// 3. The prompt model with the downstream verbalizer.
const classes = MDR_BERT_CODES.map((code) => code.code);
const verbalizer = new DescriptionVerbalizer(
  classes,
  MDR_BERT_CODES.map((code) => code.name),
  tokenizer,
);
const template = new MixedTemplate({
  tokenizer,
  model: plm,
  text: '{"placeholder":"text_a"} {"soft": "the diagnosis is"} {"mask"} .',
  maxLength: 96,
  seed,
});
const model = new PromptForClassification({ template, plm, verbalizer });
const examples = train.map((note) => ({ input: note.text, labels: note.codes[0]! }));

async function accuracy(coder: PromptForClassification): Promise<number> {
  const predictions = await coder.predict(test.map((note) => ({ id: note.id, text: note.text })));
  return predictions.filter((p, i) => p.ranked[0]!.code === test[i]!.codes[0]).length / test.length;
}

console.log(`[${seconds()} s] test accuracy before training: ${(await accuracy(model)).toFixed(3)}`);
const result = await trainPromptModel(model, examples, {
  epochs: 4,
  batchSize: 16,
  learningRates: { plm: 2e-3, template: 0.3 },
  seed,
});
const trained = await accuracy(model);
console.log(
  `[${seconds()} s] trained ${result.step} steps (loss ${result.meanLoss.toFixed(3)}, ` +
    `${(model.template.truncationStats.rate * 100).toFixed(0)}% of notes shortened); test accuracy ${trained.toFixed(3)}`,
);

// 4. Save and reload: the folder names the verbalizer type, the builder rebuilds it.
const folder = await mkdtemp(join(tmpdir(), 'icd-custom-verbalizer-'));
try {
  await model.save(folder);
  const loaded = await loadPromptModel(folder, {
    verbalizers: { description: (json, context) => DescriptionVerbalizer.fromJSON(json, context.tokenizer) },
  });
  const again = await accuracy(loaded);
  const same =
    JSON.stringify(await loaded.predict(test.slice(0, 20))) ===
    JSON.stringify(await model.predict(test.slice(0, 20)));
  console.log(
    `[${seconds()} s] reloaded from ${folder}: test accuracy ${again.toFixed(3)}, same predictions: ${same}`,
  );
  if (!same || again !== trained)
    throw new Error('the reloaded model does not predict what the trained one did');
  loaded.dispose();
} finally {
  await rm(folder, { recursive: true, force: true });
  model.dispose();
}
