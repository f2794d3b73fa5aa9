/**
 * The systems compared on a task: prompt models (template × verbalizer, frozen or tunable PLM) through
 * `trainPromptModel`, the [CLS] fine-tuning baseline (`ClsHead` of @icd/heads through @icd/train), and the
 * classic baselines (naive Bayes; TF-IDF + logistic regression, @icd/heads' `LexicalCoder`). Each returns
 * held-out probabilities, scored by scores.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertForMaskedLM, BertModel } from '@icd/bert/node';
import type { ClinicalNote } from '@icd/core';
import { ClsHead, LexicalCoder } from '@icd/heads';
import { tuneThreshold } from '@icd/metrics';
import {
  ManualTemplate,
  ManualVerbalizer,
  MixedTemplate,
  PromptForClassification,
  SoftTemplate,
  SoftVerbalizer,
  type Template,
  trainPromptModel,
  type Verbalizer,
} from '@icd/prompt';
import { Tokenizer } from '@icd/tokenizer';
import { fineTuneCls } from './cls-fine-tune.js';
import { type BenchTask, indicatorRow } from './tasks.js';

export type TemplateKind = 'manual' | 'soft' | 'mixed';
export type VerbalizerKind = 'manual' | 'soft';

export const TEMPLATES: Record<TemplateKind, string> = {
  manual: '{"placeholder":"text_a"} the patient can be diagnosed as {"mask"} .',
  soft: '{"placeholder":"text_a"} {"mask"} .',
  // The study's mixed template (Results, "Mixed template").
  mixed: '{"placeholder": "text_a"} patient {"soft": "can be diagnosed as "} {"mask"}.',
};

export interface Recipe {
  readonly epochs: number;
  readonly batchSize: number;
  readonly plmRate: number;
  readonly headRate: number;
  readonly patience: number;
  readonly evaluations: number;
  readonly seed: number;
}

/** The epochs of a run: about `budget` training examples in all, within [min, max] epochs. */
export const epochsFor = (trainSize: number, budget: number, min: number, max: number) =>
  Math.min(max, Math.max(min, Math.ceil(budget / trainSize)));

export interface SystemOutput {
  readonly probabilities: readonly ArrayLike<number>[];
  readonly thresholds?: ArrayLike<number>;
  readonly epochs?: number;
  readonly bestStep?: number;
  readonly steps?: number;
  readonly validation?: Readonly<Record<string, number>>;
  readonly trainingExamplesPerSecond?: number;
  readonly truncationRate?: number;
  readonly parameters?: number;
}

/** A line every 16 updates, so that a long run shows it is alive. */
export const logStep = (update: { step: number; loss: number }) => {
  if (update.step % 16 === 0)
    console.log(
      `  step ${update.step}: loss ${update.loss.toFixed(3)} (${new Date().toISOString().slice(11, 19)})`,
    );
};

export const loadTokenizer = (plmDir: string) =>
  Tokenizer.fromJSON(readFileSync(join(plmDir, 'tokenizer.json'), 'utf8'));

export function buildTemplate(
  kind: TemplateKind,
  plm: BertForMaskedLM,
  tokenizer: Tokenizer,
  maxLength: number,
  seed: number,
): Template {
  const options = { tokenizer, text: TEMPLATES[kind], maxLength };
  if (kind === 'manual') return new ManualTemplate(options);
  if (kind === 'soft') return new SoftTemplate({ ...options, model: plm, numTokens: 8, seed });
  return new MixedTemplate({ ...options, model: plm, seed });
}

export function buildVerbalizer(
  kind: VerbalizerKind,
  task: BenchTask,
  plm: BertForMaskedLM,
  tokenizer: Tokenizer,
): Verbalizer {
  return kind === 'manual'
    ? new ManualVerbalizer({
        tokenizer,
        classes: task.classes,
        labelWords: task.labelWords,
        multiTokenHandler: 'mean',
      })
    : new SoftVerbalizer({ tokenizer, classes: task.classes, labelWords: task.labelWords, model: plm });
}

const labelsOf = (task: BenchTask, note: ClinicalNote) =>
  task.multiLabel ? note.codes.filter((code) => task.classes.includes(code)) : note.codes[0]!;

export async function runPrompt(
  task: BenchTask,
  plmDir: string,
  kinds: { template: TemplateKind; verbalizer: VerbalizerKind; freezePlm: boolean },
  train: readonly ClinicalNote[],
  recipe: Recipe,
): Promise<SystemOutput> {
  const tokenizer = loadTokenizer(plmDir);
  const plm = await BertForMaskedLM.fromPretrained(plmDir);
  const template = buildTemplate(kinds.template, plm, tokenizer, task.window, recipe.seed);
  const verbalizer = buildVerbalizer(kinds.verbalizer, task, plm, tokenizer);
  const model = new PromptForClassification({
    template,
    plm,
    verbalizer,
    multiLabel: task.multiLabel,
    freezePlm: kinds.freezePlm,
  });
  try {
    const parameters = [...template.weights.values(), ...verbalizer.weights.values()].reduce(
      (n, v) => n + v.size,
      0,
    );
    const examples = (notes: readonly ClinicalNote[]) =>
      notes.map((note) => ({ input: note.text, labels: labelsOf(task, note) }));
    const nothingToTrain = kinds.freezePlm && parameters === 0;
    let output: Omit<SystemOutput, 'probabilities'> = { parameters };
    if (nothingToTrain) {
      // Zero-shot: the pretrained masked LM and the label words alone.
      if (task.multiLabel) {
        const probabilities = await model.predictProbabilities(task.validation.map((note) => note.text));
        const tuned = tuneThreshold(
          task.validation.map((note) => indicatorRow(task, note)),
          probabilities.map((p) => Array.from(p)),
          { mode: 'global' },
        );
        model.thresholds = tuned.thresholds[0]!;
      }
    } else {
      const batchesPerEpoch = Math.ceil(train.length / recipe.batchSize);
      const totalSteps = recipe.epochs * batchesPerEpoch;
      const result = await trainPromptModel(model, examples(train), {
        epochs: recipe.epochs,
        batchSize: recipe.batchSize,
        learningRates: { plm: recipe.plmRate, verbalizer: recipe.headRate },
        validation: {
          examples: examples(task.validation),
          metric: 'loss',
          patience: recipe.patience,
          every: Math.max(batchesPerEpoch, Math.ceil(totalSteps / recipe.evaluations)),
        },
        seed: recipe.seed,
        onStep: logStep,
      });
      output = {
        parameters,
        epochs: recipe.epochs,
        steps: result.step,
        ...(result.best ? { bestStep: result.best.step } : {}),
        ...(result.validation ? { validation: result.validation } : {}),
        trainingExamplesPerSecond: result.tokensPerSecond,
        truncationRate: result.truncationRate,
      };
    }
    const probabilities = await model.predictProbabilities(task.heldOut.map((note) => note.text));
    return { ...output, probabilities, thresholds: model.thresholds };
  } finally {
    model.dispose();
  }
}

export async function runCls(
  task: BenchTask,
  plmDir: string,
  train: readonly ClinicalNote[],
  recipe: Recipe,
  freezeEncoder = false,
): Promise<SystemOutput> {
  const tokenizer = loadTokenizer(plmDir);
  const encoder = await BertModel.fromPretrained(plmDir);
  const head = new ClsHead({
    labels: task.classes,
    hiddenSize: encoder.config.hiddenSize,
    problemType: task.multiLabel ? 'multi_label' : 'single_label',
    seed: recipe.seed,
  });
  const rows = (notes: readonly ClinicalNote[]) =>
    notes.map((note) => ({ text: note.text, indicators: indicatorRow(task, note) }));
  const started = performance.now();
  const { model, result, bestStep, validationLoss } = await fineTuneCls({
    encoder,
    head,
    tokenizer,
    window: task.window,
    multiLabel: task.multiLabel,
    train: rows(train),
    validation: rows(task.validation),
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    learningRates: { encoder: recipe.plmRate, head: recipe.headRate },
    freezeEncoder,
    patience: recipe.patience,
    evaluations: recipe.evaluations,
    seed: recipe.seed,
    onStep: logStep,
  });
  void started;
  try {
    const probabilities = await model.predictProbabilities(task.heldOut.map((note) => note.text));
    return {
      probabilities,
      thresholds: model.thresholds,
      epochs: recipe.epochs,
      steps: result.step,
      ...(bestStep === undefined ? {} : { bestStep }),
      ...(validationLoss === undefined ? {} : { validation: { loss: validationLoss } }),
      trainingExamplesPerSecond: result.tokensPerSecond,
      parameters: [...head.weights.values()].reduce((n, v) => n + v.size, 0),
    };
  } finally {
    model.dispose();
  }
}

/** TF-IDF + one-vs-rest logistic regression; single-label: argmax of the per-code probabilities. */
export function runLexical(task: BenchTask, train: readonly ClinicalNote[]): SystemOutput {
  const toNote = (note: ClinicalNote) => ({
    text: note.text,
    codes: task.multiLabel ? note.codes.filter((code) => task.classes.includes(code)) : [note.codes[0]!],
  });
  const coder = LexicalCoder.train(train.map(toNote), { minNotesPerCode: 1 });
  const column = new Map(coder.labels.map((code, j) => [code, j]));
  const dense = (texts: readonly string[]) => {
    const { data, cols } = coder.scores(texts);
    return texts.map((_, i) =>
      Float64Array.from(task.classes, (code) => {
        const j = column.get(code);
        return j === undefined ? 0 : data[i * cols + j]!;
      }),
    );
  };
  let thresholds: number[] | undefined;
  if (task.multiLabel) {
    const tuned = tuneThreshold(
      task.validation.map((note) => indicatorRow(task, note)),
      dense(task.validation.map((note) => note.text)).map((row) => Array.from(row)),
      { mode: 'global' },
    );
    thresholds = task.classes.map(() => tuned.thresholds[0]!);
  }
  return {
    probabilities: dense(task.heldOut.map((note) => note.text)),
    ...(thresholds ? { thresholds } : {}),
  };
}
