import { resolve } from 'node:path';
import { BertForMaskedLM } from '@icd/bert';
import type { ClinicalNote, Coder } from '@icd/core';
import type { Icd10CmTable } from '@icd/data';
import { ensemble, LexicalCoder, tuneEnsembleWeight } from '@icd/heads';
import { codePriors, type TermEntry } from '@icd/keybert';
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
import type { Tokenizer } from '@icd/tokenizer';
import type { IcdConfig } from '../cli/config.js';
import type { ProgressBar } from '../cli/progress-bar.js';
import { dictionaryCoder } from '../model-folder/dictionary-model.js';
import type { CodeSetInfo } from '../model-folder/pipeline-metadata.js';
import type { Dataset } from './dataset.js';
import { type EvaluationMetrics, evaluateCoder, type Objective, scoreMatrix, scoreRows } from './evaluate.js';
import { readPlmFolder } from './plm-folder.js';
import { type HeadsEncoderCache, trainHeads } from './train-heads.js';

/** The templates of the study: manual, soft (8 soft tokens) and the mixed template of its Results. */
export const TEMPLATES = {
  manual: '{"placeholder":"text_a"} the patient can be diagnosed as {"mask"} .',
  soft: '{"placeholder":"text_a"} {"mask"} .',
  mixed: '{"placeholder": "text_a"} patient {"soft": "can be diagnosed as "} {"mask"}.',
} as const;

/** What {@link trainModel} gives: the coder, its thresholds for the folder, validation metrics, a log. */
export interface TrainedModel {
  readonly coder: Coder;
  readonly thresholds?: number | readonly number[];
  readonly validation: EvaluationMetrics;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What {@link trainModel} reads of a run. */
export interface TrainContext {
  readonly config: IcdConfig;
  readonly dataset: Dataset;
  readonly codeSet: CodeSetInfo;
  readonly terms: readonly TermEntry[];
  /** Every code's dictionary (ICD-10-CM), for `model.dictionary: 'codeSet'`. */
  readonly allTerms?: readonly TermEntry[];
  /** The ICD-10-CM table (code set `icd10cm`): the heads' knowledge texts and descriptions. */
  readonly table?: Pick<Icd10CmTable, 'get'>;
  readonly baseDir: string;
  readonly bar?: (label: string, total: number, unit?: string) => ProgressBar;
  readonly signal?: AbortSignal;
  /** `heads` with a frozen encoder: encoders and cached states shared across runs (`icd search`). */
  readonly encoderCache?: HeadsEncoderCache;
}

const restrict = (notes: readonly ClinicalNote[], classes: readonly string[]) =>
  notes.map((note) => ({ ...note, codes: note.codes.filter((code) => classes.includes(code)) }));

/** Label words of each class: its display, lower-cased, as one phrase. */
const labelWordsOf = (context: TrainContext) =>
  Object.fromEntries(
    context.dataset.classes.map((code) => {
      const display = context.codeSet.codes.find((entry) => entry.code === code)?.display ?? code;
      return [code, [display.toLowerCase().replace(/[(),]/g, ' ').replace(/\s+/g, ' ').trim()]];
    }),
  );

/** A folder's masked LM with its tokenizer, `dropout` overriding the config's (hidden and attention). */
export async function loadPlm(
  directory: string,
  dropout?: number,
): Promise<{ plm: BertForMaskedLM; tokenizer: Tokenizer }> {
  const { weights, config, tokenizer } = await readPlmFolder(directory, dropout);
  const plm = await BertForMaskedLM.fromSafetensors(weights, config, { tokenizer });
  return { plm, tokenizer };
}

async function trainPrompt(context: TrainContext): Promise<TrainedModel> {
  const { config, dataset } = context;
  const model = config.model ?? {};
  const train = config.train ?? {};
  const seed = config.seed ?? 13;
  const plmDir = resolve(context.baseDir, model.plm ?? config.pretrain?.out ?? 'checkpoints/icd-pretrained');
  const { plm, tokenizer } = await loadPlm(plmDir, model.dropout);
  const maxLength = model.maxLength ?? 128;
  const kind = model.template ?? 'mixed';
  const text = model.templateText ?? TEMPLATES[kind];
  const options = { tokenizer, text, maxLength };
  const template: Template =
    kind === 'manual'
      ? new ManualTemplate(options)
      : kind === 'soft'
        ? new SoftTemplate({ ...options, model: plm, numTokens: 8, seed })
        : new MixedTemplate({ ...options, model: plm, seed });
  const labelWords = labelWordsOf(context);
  const verbalizer: Verbalizer =
    (model.verbalizer ?? 'soft') === 'soft'
      ? new SoftVerbalizer({ tokenizer, classes: dataset.classes, labelWords, model: plm })
      : new ManualVerbalizer({ tokenizer, classes: dataset.classes, labelWords, multiTokenHandler: 'mean' });
  const prompt = new PromptForClassification({
    template,
    plm,
    verbalizer,
    multiLabel: dataset.multiLabel,
    freezePlm: model.freezePlm ?? false,
  });
  const examples = (notes: readonly ClinicalNote[]) =>
    restrict(notes, dataset.classes)
      .filter((note) => note.codes.length > 0)
      .map((note) => ({ input: note.text, labels: dataset.multiLabel ? note.codes : note.codes[0]! }));
  const trainExamples = examples(dataset.train).slice(0, train.maxTrainNotes ?? Number.MAX_SAFE_INTEGER);
  const epochs = train.epochs ?? 3;
  const batchSize = train.batchSize ?? 8;
  const accumulationSteps = train.accumulationSteps ?? 1;
  const totalSteps = Math.max(
    1,
    Math.floor((epochs * Math.ceil(trainExamples.length / batchSize)) / accumulationSteps),
  );
  const bar = context.bar?.('train prompt model', totalSteps, 'notes');
  let items = 0;
  const result = await trainPromptModel(prompt, trainExamples, {
    epochs,
    batchSize,
    accumulationSteps,
    ...(train.warmupRatio !== undefined ? { warmupRatio: train.warmupRatio } : {}),
    ...(train.optimizer ? { plmOptimizer: train.optimizer } : {}),
    learningRates: { plm: 5e-4, verbalizer: 7e-3, ...(train.learningRates ?? {}) },
    validation: {
      examples: examples(dataset.validation),
      metric: dataset.multiLabel ? 'loss' : 'accuracy',
      ...(train.patience !== undefined ? { patience: train.patience } : {}),
      tuneThreshold: dataset.multiLabel ? 'global' : false,
    },
    seed,
    onStep: (update) => {
      context.signal?.throwIfAborted();
      items += batchSize * accumulationSteps;
      bar?.update(update.step, { loss: update.loss, items });
    },
  });
  bar?.finish();
  const { metrics } = await evaluateCoder(prompt, dataset.validation, dataset.classes, dataset.multiLabel);
  return {
    coder: prompt,
    validation: metrics,
    details: {
      steps: result.step,
      truncationRate: result.truncationRate,
      template: kind,
      verbalizer: model.verbalizer ?? 'soft',
    },
  };
}

async function trainLexical(context: TrainContext): Promise<TrainedModel> {
  const { config, dataset } = context;
  const notes = restrict(dataset.train, dataset.classes).filter((note) => note.codes.length > 0);
  const bar = context.bar?.('train lexical coder', 1, 'notes');
  const coder = LexicalCoder.train(notes, {
    c: config.model?.c ?? 300,
    minDf: config.model?.minDf ?? 2,
    threshold: 0.5,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  bar?.update(1, { items: notes.length });
  bar?.finish();
  // Multi-label or not, one global threshold tuned on validation (micro-F1): one-vs-rest scores of a
  // single-label task rarely reach 0.5, which would leave most notes with no predicted code.
  const scores = coder.scores(dataset.validation.map((note) => note.text));
  const rows = Array.from({ length: scores.rows }, (_, r) =>
    Array.from(scores.data.subarray(r * scores.cols, (r + 1) * scores.cols)),
  );
  const truth = dataset.validation.map((note) =>
    coder.labels.map((code) => (note.codes.includes(code) ? 1 : 0)),
  );
  const thresholds = tuneThreshold(truth, rows, { mode: 'global' }).thresholds[0]!;
  const tuned = coder.withThresholds(thresholds);
  const { metrics } = await evaluateCoder(tuned, dataset.validation, dataset.classes, dataset.multiLabel);
  return {
    coder: tuned,
    validation: metrics,
    details: { labels: coder.labels.length, threshold: thresholds },
  };
}

async function trainDictionary(context: TrainContext): Promise<TrainedModel> {
  const { dataset } = context;
  // 'codeSet': the whole code set's dictionary, so codes never seen in training can be found too.
  const wide = context.config.model?.dictionary === 'codeSet' && context.allTerms !== undefined;
  const coder = dictionaryCoder({
    terms: wide
      ? [...context.allTerms!]
      : context.terms.filter((term) => dataset.classes.includes(term.code)),
    priors: codePriors(restrict(dataset.train, dataset.classes)),
    includeUnmatched: true,
    ...(wide ? {} : { labels: dataset.classes }),
    threshold: 0.5,
  });
  const { metrics } = await evaluateCoder(coder, dataset.validation, dataset.classes, dataset.multiLabel);
  return { coder, validation: metrics, details: { terms: context.terms.length } };
}

const objectiveValue = (metrics: EvaluationMetrics, objective: Objective) => metrics[objective];

async function trainEnsemble(context: TrainContext): Promise<TrainedModel> {
  const { dataset } = context;
  const members = context.config.model?.members ?? ['lexical', 'dictionary'];
  const [a, b] = [await trainKind(members[0]!, context), await trainKind(members[1]!, context)];
  const validationNotes = dataset.validation.map((note) => ({ id: note.id, text: note.text }));
  const [pa, pb] = [
    await a.coder.predict(validationNotes, { evidence: false }),
    await b.coder.predict(validationNotes, { evidence: false }),
  ];
  const objective: Objective = context.config.search?.objective ?? (dataset.multiLabel ? 'map' : 'accuracy');
  const gold = new Map(dataset.validation.map((note) => [note.id, note.codes]));
  // MAP: tuneEnsembleWeight's own (CodiEsp MAP over every ranked code against the full gold lists).
  const { lambda } = tuneEnsembleWeight(
    gold,
    pa,
    pb,
    objective === 'map'
      ? {}
      : {
          metric: (_gold, merged) =>
            objectiveValue(
              scoreRows(
                dataset.validation.map((note) => note.codes),
                scoreMatrix(merged, dataset.classes),
                dataset.classes,
                {
                  multiLabel: dataset.multiLabel,
                  predicted: merged.map((p) => p.ranked.filter((c) => c.predicted).map((c) => c.code)),
                  ids: dataset.validation.map((n) => n.id),
                },
              ),
              objective,
            ),
        },
  );
  // As for the lexical coder: tuned on validation for single-label tasks too.
  const merged = ensemble(a.coder, b.coder, lambda, { threshold: 0.5 });
  const rows = scoreMatrix(await merged.predict(validationNotes, { evidence: false }), dataset.classes).map(
    (row) => Array.from(row),
  );
  const truth = dataset.validation.map((note) =>
    dataset.classes.map((code) => (note.codes.includes(code) ? 1 : 0)),
  );
  const threshold = tuneThreshold(truth, rows, { mode: 'global' }).thresholds[0]!;
  const coder = ensemble(a.coder, b.coder, lambda, {
    threshold: Number.isFinite(threshold) ? threshold : 0.5,
  });
  const { metrics } = await evaluateCoder(coder, dataset.validation, dataset.classes, dataset.multiLabel);
  return {
    coder,
    validation: metrics,
    details: { members, lambda, threshold, first: a.validation, second: b.validation },
  };
}

function trainKind(kind: string, context: TrainContext): Promise<TrainedModel> {
  if (kind === 'prompt') return trainPrompt(context);
  if (kind === 'heads') return trainHeads(context);
  if (kind === 'lexical') return trainLexical(context);
  if (kind === 'dictionary') return trainDictionary(context);
  return trainEnsemble(context);
}

/**
 * `icd train`'s work: the model of `config.model.kind` trained on the dataset's train split, its
 * thresholds (multi-label) and λ (ensemble) tuned on the validation split, and its validation metrics.
 * - `prompt`: template (manual / soft / mixed) + verbalizer (manual / soft) over the masked LM in
 *   `model.plm`, trained by `@icd/prompt`'s `trainPromptModel` (early stopping on validation);
 * - `heads`: a `ClsHead` or `LabelAttention` (optionally with knowledge injection) over the encoder
 *   of `model.plm`, trained by `@icd/heads`' `trainHead` (frozen encoder over cached states by
 *   default), thresholds tuned on validation, saved as a `HeadCoder` (see `trainHeads`);
 * - `lexical`: TF-IDF + logistic regression (`LexicalCoder`);
 * - `dictionary`: the code set's descriptions as a dictionary (`DictionaryCoder`), priors from train;
 * - `ensemble`: two of those (`model.members`), merged by eq. 5 with λ tuned on validation.
 */
export async function trainModel(context: TrainContext): Promise<TrainedModel> {
  return trainKind(context.config.model?.kind ?? 'prompt', context);
}
