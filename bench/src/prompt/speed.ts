/**
 * Speed of a prompt model against the bare encoder: prediction notes/s of the prompt forward (mixed
 * template + soft verbalizer: template embeddings, encoder, mask gather, head transform, Θ) and of the
 * plain encoder forward on the same pre-wrapped ids, interleaved batch by batch so that both see the
 * same machine load; prediction end to end (tokenize, wrap, forward); training examples/s of the prompt
 * model and of the [CLS] baseline (encoder + ClsHead) on the same notes, through the same engine.
 */
import { loadavg } from 'node:os';
import { BertForMaskedLM, BertModel } from '@icd/bert/node';
import { generateCardiologyCorpus, MDR_BERT_CODES } from '@icd/data';
import { ClsHead } from '@icd/heads';
import { type PromptBatch, PromptForClassification, trainPromptModel } from '@icd/prompt';
import * as tf from '@tensorflow/tfjs-core';
import { fineTuneCls } from './cls-fine-tune.js';
import { buildTemplate, buildVerbalizer, loadTokenizer } from './systems.js';
import { syntheticTask } from './tasks.js';

export interface SpeedRow {
  readonly tokens: number;
  readonly promptForward: number;
  readonly encoderForward: number;
  readonly predict: number;
  readonly promptTraining: number;
  readonly clsTraining: number;
  readonly load: string;
}

export async function measureSpeed(dir: string, seed: number): Promise<{ rows: SpeedRow[]; note: string }> {
  const tokenizer = loadTokenizer(dir);
  const task = syntheticTask(seed);
  const notes = generateCardiologyCorpus({ size: 16, seed: seed + 7, words: [700, 900] }).map((n) => n.text);
  const classes = MDR_BERT_CODES.map((code) => code.code);
  const rows: SpeedRow[] = [];
  let config = '';
  for (const length of [256, 512]) {
    const before = loadavg()[0]!.toFixed(1);
    const plm = await BertForMaskedLM.fromPretrained(dir);
    config = `hidden ${plm.config.hiddenSize}, ${plm.config.numHiddenLayers} layers, ${plm.config.numAttentionHeads} heads, vocabulary ${plm.config.vocabSize.toLocaleString('en')}`;
    const template = buildTemplate('mixed', plm, tokenizer, length, seed);
    const model = new PromptForClassification({
      template,
      plm,
      verbalizer: buildVerbalizer('soft', task, plm, tokenizer),
      batchSize: 8,
    });
    await model.predictProbabilities(notes.slice(0, 8)); // warm-up
    let begin = performance.now();
    await model.predictProbabilities(notes);
    const predict = notes.length / ((performance.now() - begin) / 1000);
    const wrapped: PromptBatch[] = [];
    for (let i = 0; i < notes.length; i += 8) wrapped.push(template.wrapBatch(notes.slice(i, i + 8)));
    const ids = wrapped.map((batch) =>
      tf.tensor2d(batch.inputIds.data, batch.inputIds.shape as [number, number], 'int32'),
    );
    const encoder = async (input: tf.Tensor2D) => {
      const { lastHiddenState } = plm.forward({ inputIds: input });
      await lastHiddenState.data();
      lastHiddenState.dispose();
    };
    const prompt = async (batch: PromptBatch) => {
      const scores = model.forward(batch);
      await scores.data();
      scores.dispose();
    };
    await encoder(ids[0]!);
    await prompt(wrapped[0]!);
    let promptSeconds = 0;
    let encoderSeconds = 0;
    for (let round = 0; round < 2; round++)
      for (const [i, batch] of wrapped.entries()) {
        begin = performance.now();
        await prompt(batch);
        promptSeconds += (performance.now() - begin) / 1000;
        begin = performance.now();
        await encoder(ids[i]!);
        encoderSeconds += (performance.now() - begin) / 1000;
      }
    tf.dispose(ids);
    const trainNotes = notes.slice(0, 8);
    const labelled = trainNotes.map((text, i) => ({ input: text, labels: classes[i % classes.length]! }));
    const promptTraining = await trainPromptModel(model, labelled, { epochs: 1, batchSize: 4, seed });
    model.dispose();
    const cls = await BertModel.fromPretrained(dir);
    const head = new ClsHead({
      labels: classes,
      hiddenSize: cls.config.hiddenSize,
      problemType: 'single_label',
      seed,
    });
    const { model: clsModel, result } = await fineTuneCls({
      encoder: cls,
      head,
      tokenizer,
      window: length,
      multiLabel: false,
      train: notes.map((text, i) => ({
        text,
        indicators: classes.map((_, j) => (j === i % classes.length ? 1 : 0)),
      })),
      validation: [],
      epochs: 1,
      batchSize: 4,
      learningRates: { encoder: 5e-4, head: 7e-3 },
      patience: 1,
      evaluations: 1,
      seed,
    });
    clsModel.dispose();
    rows.push({
      tokens: length,
      promptForward: (2 * notes.length) / promptSeconds,
      encoderForward: (2 * notes.length) / encoderSeconds,
      predict,
      promptTraining: promptTraining.tokensPerSecond,
      clsTraining: result.tokensPerSecond,
      load: `${before} → ${loadavg()[0]!.toFixed(1)}`,
    });
    console.log(`speed at ${length} tokens`, rows.at(-1));
  }
  return {
    rows,
    note:
      `Mini encoder (\`checkpoints/compare-en-mini\`, ${config}; its weights do not matter for speed). Prediction: ${notes.length} synthetic notes of 700–900 words, batches of 8, cut to the window; ` +
      'the forward columns time `model.forward` of the prompt model and `plm.forward` (no template, no verbalizer) on the same ids, interleaved batch by batch, two rounds; ' +
      'the end-to-end column adds tokenization and wrapping. Training: 8 of the notes, batch 4, one epoch (2 updates, the first includes kernel warm-up), tunable PLM / encoder, ' +
      '`trainPromptModel` for the prompt model and the same `@icd/train` Trainer for encoder + ClsHead.',
  };
}
