import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DataFormatError } from '@icd/core';
import { SeededRandom } from '@icd/data';
import type { IcdConfig } from '../cli/config.js';
import type { EvaluationMetrics, Objective } from './evaluate.js';

/**
 * The search space of the study's Table 2 (Zhuang et al. 2025): log-uniform learning rates for the PLM,
 * the soft template and the soft verbalizer, batch size, gradient accumulation, dropout, the PLM's
 * optimizer and the epochs. Ranges are `[low, high]` (log-uniform for rates, uniform for dropout);
 * lists are choices.
 */
export interface SearchSpace {
  readonly plmLearningRate: readonly [number, number];
  readonly templateLearningRate: readonly [number, number];
  readonly verbalizerLearningRate: readonly [number, number];
  readonly batchSize: readonly number[];
  readonly accumulationSteps: readonly number[];
  readonly dropout: readonly [number, number];
  readonly optimizer: readonly ('adamw' | 'adafactor')[];
  readonly epochs: readonly number[];
}

/** The default space (the study's Table 2, scaled to small models on CPUs). */
export const DEFAULT_SEARCH_SPACE: SearchSpace = {
  plmLearningRate: [1e-5, 1e-3],
  templateLearningRate: [1e-2, 1],
  verbalizerLearningRate: [1e-3, 1e-1],
  batchSize: [4, 8, 16],
  accumulationSteps: [1, 2, 4],
  dropout: [0, 0.3],
  optimizer: ['adamw', 'adafactor'],
  epochs: [2, 3, 4],
};

/** One sampled point of a {@link SearchSpace}. */
export interface TrialParameters {
  readonly plmLearningRate: number;
  readonly templateLearningRate: number;
  readonly verbalizerLearningRate: number;
  readonly batchSize: number;
  readonly accumulationSteps: number;
  readonly dropout: number;
  readonly optimizer: 'adamw' | 'adafactor';
  readonly epochs: number;
}

/** A line of the trial log. */
export interface TrialRecord {
  readonly trial: number;
  readonly parameters: TrialParameters;
  readonly metrics: EvaluationMetrics;
  readonly objective: Objective;
  readonly value: number;
  readonly seconds: number;
}

const logUniform = (random: SeededRandom, [low, high]: readonly [number, number]) =>
  Math.exp(Math.log(low) + random.next() * (Math.log(high) - Math.log(low)));
const choice = <T>(random: SeededRandom, values: readonly T[]) =>
  values[Math.floor(random.next() * values.length)]!;

/**
 * The parameters of trial `trial` (0-based): drawn from a generator seeded with `seed` and the trial
 * number, so trial k is the same whether or not trials before it ran in this process (resuming).
 */
export function sampleTrial(space: SearchSpace, seed: number, trial: number): TrialParameters {
  const random = new SeededRandom(seed * 1_000_003 + trial * 7919 + 1);
  return {
    plmLearningRate: logUniform(random, space.plmLearningRate),
    templateLearningRate: logUniform(random, space.templateLearningRate),
    verbalizerLearningRate: logUniform(random, space.verbalizerLearningRate),
    batchSize: choice(random, space.batchSize),
    accumulationSteps: choice(random, space.accumulationSteps),
    dropout: space.dropout[0] + random.next() * (space.dropout[1] - space.dropout[0]),
    optimizer: choice(random, space.optimizer),
    epochs: choice(random, space.epochs),
  };
}

/** The config of a trial: the base config with the trial's parameters. */
export function trialConfig(base: IcdConfig, parameters: TrialParameters): IcdConfig {
  return {
    ...base,
    model: { ...base.model, dropout: parameters.dropout },
    train: {
      ...base.train,
      epochs: parameters.epochs,
      batchSize: parameters.batchSize,
      accumulationSteps: parameters.accumulationSteps,
      optimizer: parameters.optimizer,
      learningRates: {
        plm: parameters.plmLearningRate,
        template: parameters.templateLearningRate,
        verbalizer: parameters.verbalizerLearningRate,
      },
    },
  };
}

/** The finished trials of a log file (none when it does not exist); a torn last line (a kill) is dropped. */
export async function readTrialLog(file: string): Promise<TrialRecord[]> {
  if (!existsSync(file)) return [];
  const lines = (await readFile(file, 'utf8')).split('\n');
  const records: TrialRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as TrialRecord);
    } catch (cause) {
      // Only the last line may be cut short by a kill mid-write; anything else is a corrupt log.
      if (index < lines.length - 1 && lines.slice(index + 1).some((rest) => rest.trim() !== ''))
        throw new DataFormatError({ file, line: index + 1, message: 'not a trial record', cause });
    }
  });
  return records;
}

/**
 * Appends one trial to the log (one JSON line). A line torn by a kill (no final newline) is cut off
 * first, so the new record starts a line of its own.
 */
export async function appendTrial(file: string, record: TrialRecord): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  if (existsSync(file)) {
    const content = await readFile(file, 'utf8');
    if (content.length > 0 && !content.endsWith('\n'))
      await truncate(file, Buffer.byteLength(content.slice(0, content.lastIndexOf('\n') + 1)));
  }
  await appendFile(file, `${JSON.stringify(record)}\n`);
}

/** The space of a config's `search.space`, over the defaults. */
export function searchSpaceOf(config: IcdConfig): SearchSpace {
  return { ...DEFAULT_SEARCH_SPACE, ...(config.search?.space as Partial<SearchSpace> | undefined) };
}
