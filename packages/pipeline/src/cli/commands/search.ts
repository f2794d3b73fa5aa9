import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { codeSetOf } from '../../workflow/code-set-of.js';
import { loadDataset } from '../../workflow/dataset.js';
import type { Objective } from '../../workflow/evaluate.js';
import {
  appendTrial,
  type HeadTrialParameters,
  headTrialConfig,
  readTrialLog,
  sampleHeadTrial,
  sampleTrial,
  searchSpaceOf,
  type TrialParameters,
  type TrialRecord,
  trialConfig,
} from '../../workflow/random-search.js';
import { HeadsEncoderCache } from '../../workflow/train-heads.js';
import { trainModel } from '../../workflow/train-model.js';
import type { CliCommand } from '../command.js';
import { ConfigError, type IcdConfig } from '../config.js';

const figure = (value: number) => (Number.isFinite(value) ? value.toFixed(4) : 'n/a');

const byValue = (records: readonly TrialRecord[]) =>
  [...records].sort((a, b) => (Number.isNaN(b.value) ? -1 : b.value - a.value));

function headsTable(records: readonly TrialRecord[], objective: Objective): string {
  const lines = [
    `| trial | ${objective.padStart(8)} | head            | lr head  | lr PLM   | batch | accum | dropout | epochs |`,
    '| ----: | -------: | --------------- | -------- | -------- | ----: | ----: | ------: | -----: |',
    ...byValue(records).map(({ trial, value, parameters }) => {
      const p = parameters as HeadTrialParameters;
      return [
        `| ${String(trial).padStart(5)}`,
        figure(value).padStart(8),
        p.head.padEnd(15),
        p.headLearningRate.toExponential(2),
        p.plmLearningRate.toExponential(2),
        String(p.batchSize).padStart(5),
        String(p.accumulationSteps).padStart(5),
        p.dropout.toFixed(3).padStart(7),
        `${String(p.epochs).padStart(6)} |`,
      ].join(' | ');
    }),
  ];
  return `${lines.join('\n')}\n`;
}

function resultsTable(records: readonly TrialRecord[], objective: Objective): string {
  const sorted = byValue(records);
  const lines = [
    `| trial | ${objective.padStart(8)} | lr PLM   | lr tmpl  | lr verb  | batch | accum | dropout | optimizer | epochs |`,
    '| ----: | -------: | -------- | -------- | -------- | ----: | ----: | ------: | --------- | -----: |',
    ...sorted.map(({ trial, value, parameters }) => {
      const p = parameters as TrialParameters;
      return [
        `| ${String(trial).padStart(5)}`,
        figure(value).padStart(8),
        p.plmLearningRate.toExponential(2),
        p.templateLearningRate.toExponential(2),
        p.verbalizerLearningRate.toExponential(2),
        String(p.batchSize).padStart(5),
        String(p.accumulationSteps).padStart(5),
        p.dropout.toFixed(3).padStart(7),
        p.optimizer.padEnd(9),
        `${String(p.epochs).padStart(6)} |`,
      ].join(' | ');
    }),
  ];
  return `${lines.join('\n')}\n`;
}

export const searchCommand: CliCommand = {
  name: 'search',
  maxPositionals: 0,
  summary: 'random hyperparameter search (the study’s Table 2), resumable, objective of your choice',
  usage: [
    'Usage: icd search [--config icd.yaml] [--trials N] [--objective accuracy|macroAuc|microF1|map]',
    '                  [--log <trials.jsonl>] [--json]',
    '',
    'Samples N configurations (log-uniform PLM / template / verbalizer learning rates, batch size,',
    'accumulation steps, dropout, the PLM optimizer, epochs; with model.kind heads: log-uniform head',
    '(and tunable-PLM) learning rates, batch size, accumulation steps, dropout, epochs, head type;',
    'search.space overrides the ranges), trains each on the train split and scores it on the validation',
    'split. Every finished trial is appended to',
    'the log (default search.log or search-trials.jsonl); run the same command again after a kill and it',
    'continues with the next trial. Ends with the results table and the best config (<log>.best.json).',
  ].join('\n'),
  options: { trials: { type: 'string' }, objective: { type: 'string' }, log: { type: 'string' } },
  flagPaths: { trials: 'search.trials', objective: 'search.objective', log: 'search.log' },
  run: async (context) => {
    const { config } = context;
    // Lexical and dictionary models read none of the sampled settings: every trial would be the same model.
    const kind = config.model?.kind ?? 'prompt';
    const members = config.model?.members ?? ['lexical', 'dictionary'];
    if (kind === 'lexical' || kind === 'dictionary' || (kind === 'ensemble' && !members.includes('prompt'))) {
      const file = context.configFile ?? 'the command-line flags';
      throw new ConfigError({
        file,
        field: 'model.kind',
        message: `model.kind must be "prompt" or "heads" (or an ensemble with a prompt member) for icd search, got "${kind}"${kind === 'ensemble' ? ` with members ${members.join(', ')}` : ''}: it samples none of its settings in ${file}`,
      });
    }
    const trials = config.search?.trials ?? 10;
    const dataset = await loadDataset(config);
    const objective: Objective = config.search?.objective ?? (dataset.multiLabel ? 'map' : 'accuracy');
    const log = resolve(config.search?.log ?? 'search-trials.jsonl');
    const space = searchSpaceOf(config);
    const seed = config.seed ?? 13;
    const { codeSet, terms, table } = await codeSetOf(config, dataset.classes);
    const heads = config.model?.kind === 'heads';
    const sample = (trial: number) =>
      heads ? sampleHeadTrial(space, seed, trial) : sampleTrial(space, seed, trial);
    const configOf = (parameters: TrialParameters | HeadTrialParameters): IcdConfig =>
      heads
        ? headTrialConfig(config, parameters as HeadTrialParameters)
        : trialConfig(config, parameters as TrialParameters);
    // A log of the other kind of search (prompt vs heads) is not resumed from.
    const records = (await readTrialLog(log)).filter((record) => (record.kind === 'heads') === heads);
    const done = new Set(records.map((record) => record.trial));
    if (done.size > 0) context.log(`resuming: ${done.size} trial(s) already in ${log}`);
    // Heads over a frozen encoder: the notes are encoded once for every trial.
    const encoderCache = heads ? new HeadsEncoderCache() : undefined;
    try {
      for (let trial = 0; trial < trials; trial += 1) {
        if (done.has(trial)) continue;
        context.signal.throwIfAborted();
        const parameters = sample(trial);
        context.log(`trial ${trial + 1}/${trials}: ${JSON.stringify(parameters)}`);
        const started = performance.now();
        const trained = await trainModel({
          config: configOf(parameters),
          dataset,
          codeSet,
          terms,
          ...(table ? { table } : {}),
          ...(encoderCache ? { encoderCache } : {}),
          baseDir: process.cwd(),
          bar: context.progress,
          signal: context.signal,
        });
        trained.coder.dispose();
        const record: TrialRecord = {
          trial,
          ...(heads ? { kind: 'heads' as const } : {}),
          parameters,
          metrics: trained.validation,
          objective,
          value: trained.validation[objective],
          seconds: (performance.now() - started) / 1000,
        };
        await appendTrial(log, record);
        records.push(record);
        context.log(
          `trial ${trial + 1}/${trials}: validation ${objective} ${figure(record.value)} (${record.seconds.toFixed(1)} s)`,
        );
      }
    } finally {
      encoderCache?.dispose();
    }
    const finished = records.filter((record) => record.trial < trials && record.objective === objective);
    const best = finished.reduce<TrialRecord | undefined>(
      (top, record) => (!top || record.value > top.value ? record : top),
      undefined,
    );
    const bestConfig = best ? configOf(best.parameters) : undefined;
    if (bestConfig)
      await writeFile(`${log.replace(/\.jsonl$/, '')}.best.json`, `${JSON.stringify(bestConfig, null, 2)}\n`);
    if (context.json)
      context.stdout.write(
        `${JSON.stringify({ command: 'search', objective, log, trials: finished, best: best ?? null, bestConfig: bestConfig ?? null })}\n`,
      );
    else {
      context.stdout.write(
        `validation ${objective} of ${finished.length} trial(s):\n${(heads ? headsTable : resultsTable)(finished, objective)}`,
      );
      if (best)
        context.stdout.write(
          `best: trial ${best.trial} (${objective} ${figure(best.value)}); config written to ${log.replace(/\.jsonl$/, '')}.best.json\n`,
        );
    }
  },
};
