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
  /** `model.kind: heads`: the head's AdamW rate (log-uniform). */
  readonly headLearningRate: readonly [number, number];
  /** `model.kind: heads`: the head types to choose from. */
  readonly head: readonly ('cls' | 'label-attention')[];
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
  headLearningRate: [1e-4, 1e-2],
  head: ['label-attention', 'cls'],
};

/**
 * The defaults of a heads search where they differ from the prompt search's: heads over a frozen
 * encoder train in seconds per epoch, so more epochs (early stopping on validation cuts them short).
 */
export const DEFAULT_HEAD_SEARCH_SPACE: SearchSpace = {
  ...DEFAULT_SEARCH_SPACE,
  epochs: [5, 10, 20],
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

/**
 * One sampled point of a heads search (`model.kind: heads`): the head's learning rate (log-uniform),
 * the tunable encoder's (used only with `model.freezePlm: false`), batch size, accumulation, dropout,
 * epochs and the head type.
 */
export interface HeadTrialParameters {
  readonly headLearningRate: number;
  readonly plmLearningRate: number;
  readonly batchSize: number;
  readonly accumulationSteps: number;
  readonly dropout: number;
  readonly epochs: number;
  readonly head: 'cls' | 'label-attention';
}

/** A line of the trial log. */
export interface TrialRecord {
  readonly trial: number;
  /** `heads` for a heads search; absent for a prompt search. */
  readonly kind?: 'heads';
  readonly parameters: TrialParameters | HeadTrialParameters;
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

/**
 * The parameters of heads trial `trial` (0-based), seeded like {@link sampleTrial} (a different
 * stream, so that a heads search and a prompt search with one seed do not share draws).
 */
export function sampleHeadTrial(space: SearchSpace, seed: number, trial: number): HeadTrialParameters {
  const random = new SeededRandom(seed * 1_000_003 + trial * 7919 + 2);
  return {
    headLearningRate: logUniform(random, space.headLearningRate),
    plmLearningRate: logUniform(random, space.plmLearningRate),
    batchSize: choice(random, space.batchSize),
    accumulationSteps: choice(random, space.accumulationSteps),
    dropout: space.dropout[0] + random.next() * (space.dropout[1] - space.dropout[0]),
    epochs: choice(random, space.epochs),
    head: choice(random, space.head),
  };
}

/**
 * The config of a heads trial: the base config with the trial's parameters. Label-attention fields
 * (`knowledgeInjection`, `descriptionQueries`, `projectionSize`, `maxKnowledgePerCode`) are dropped
 * from a `cls` trial and `pooling` from a label-attention one, so every trial's config is valid.
 */
export function headTrialConfig(base: IcdConfig, parameters: HeadTrialParameters): IcdConfig {
  const { knowledgeInjection, descriptionQueries, projectionSize, maxKnowledgePerCode, pooling, ...shared } =
    base.model ?? {};
  const model =
    parameters.head === 'cls'
      ? { ...shared, ...(pooling !== undefined ? { pooling } : {}) }
      : {
          ...shared,
          ...(knowledgeInjection !== undefined ? { knowledgeInjection } : {}),
          ...(descriptionQueries !== undefined ? { descriptionQueries } : {}),
          ...(projectionSize !== undefined ? { projectionSize } : {}),
          ...(maxKnowledgePerCode !== undefined ? { maxKnowledgePerCode } : {}),
        };
  return {
    ...base,
    model: { ...model, kind: 'heads', head: parameters.head, dropout: parameters.dropout },
    train: {
      ...base.train,
      epochs: parameters.epochs,
      batchSize: parameters.batchSize,
      accumulationSteps: parameters.accumulationSteps,
      learningRates: {
        ...base.train?.learningRates,
        head: parameters.headLearningRate,
        ...(base.model?.freezePlm === false ? { plm: parameters.plmLearningRate } : {}),
      },
    },
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

/** The space of a config's `search.space`, over the defaults (the heads defaults for `model.kind: heads`). */
export function searchSpaceOf(config: IcdConfig): SearchSpace {
  const defaults = config.model?.kind === 'heads' ? DEFAULT_HEAD_SEARCH_SPACE : DEFAULT_SEARCH_SPACE;
  return { ...defaults, ...(config.search?.space as Partial<SearchSpace> | undefined) };
}
