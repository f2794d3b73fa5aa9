import { CheckpointError } from '@icd/core';

/**
 * `head-coder.json`'s `format`.
 *
 * @example
 * ```ts
 * JSON.parse(files['head-coder.json'] as string).format === headCoderFormat; // true for a head coder folder
 * ```
 */
export const headCoderFormat = 'icd-head-coder';
/**
 * The `version` this package writes; loaders refuse newer ones.
 *
 * @example
 * ```ts
 * JSON.parse(files['head-coder.json'] as string).version <= headCoderVersion; // loadable here
 * ```
 */
export const headCoderVersion = 1;

/**
 * `head-coder.json`: everything of a head coder but its tensors and its encoder.
 *
 * @example
 * ```ts
 * const config: HeadCoderConfig = JSON.parse(files['head-coder.json'] as string);
 * config.labels.length; config.thresholds; // null = never predict
 * ```
 */
export interface HeadCoderConfig {
  readonly format: typeof headCoderFormat;
  readonly version: number;
  /** `head/config.json`'s `headType`, which picks the builder. */
  readonly headType: string;
  readonly problemType: 'multi_label' | 'single_label';
  readonly labels: readonly string[];
  /** One, or one per label; `null` = never predict (an `Infinity` threshold). */
  readonly thresholds: readonly (number | null)[];
  readonly windowLength: number;
  readonly stride: number;
  readonly maxWindows: number | null;
  readonly batchSize: number;
  readonly encoderBatchSize: number;
  /** Hidden size of the encoder the head was trained on. */
  readonly hiddenSize: number;
  readonly evidence: { readonly minRelativeAttention?: number; readonly maxSpanWords?: number };
}

const file = 'head-coder.json';

function fail(field: string, expected: string, value: unknown): never {
  throw new CheckpointError({
    file,
    message: `field '${field}' must be ${expected}, got ${JSON.stringify(value)}`,
  });
}

const isInteger = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min;

/** Validates a parsed `head-coder.json`, field by field. */
export function checkCoderConfig(value: unknown): HeadCoderConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('(root)', 'an object', value);
  const config = value as Record<string, unknown>;
  if (config.format !== headCoderFormat)
    fail('format', `"${headCoderFormat}" (not a head coder folder?)`, config.format);
  if (!isInteger(config.version, 1)) fail('version', 'an integer >= 1', config.version);
  if ((config.version as number) > headCoderVersion)
    throw new CheckpointError({
      file,
      message: `version ${config.version} was written by a newer @icd/heads (this one reads up to ${headCoderVersion}): upgrade @icd/heads`,
    });
  if (typeof config.headType !== 'string' || config.headType.length === 0)
    fail('headType', 'a non-empty string', config.headType);
  if (config.problemType !== 'multi_label' && config.problemType !== 'single_label')
    fail('problemType', '"multi_label" or "single_label"', config.problemType);
  const labels = config.labels;
  if (
    !Array.isArray(labels) ||
    labels.length === 0 ||
    !labels.every((l) => typeof l === 'string' && l.length > 0)
  )
    fail('labels', 'a non-empty array of codes', labels);
  if (new Set(labels).size !== labels.length) fail('labels', 'codes without duplicates', labels);
  const thresholds = config.thresholds;
  if (
    !Array.isArray(thresholds) ||
    (thresholds.length !== 1 && thresholds.length !== labels.length) ||
    !thresholds.every((t) => t === null || (typeof t === 'number' && Number.isFinite(t)))
  )
    fail('thresholds', `1 or ${labels.length} finite numbers or nulls`, thresholds);
  if (!isInteger(config.windowLength, 3)) fail('windowLength', 'an integer >= 3', config.windowLength);
  if (!isInteger(config.stride, 0) || (config.stride as number) > (config.windowLength as number) - 3)
    fail('stride', 'an integer in [0, windowLength - 3]', config.stride);
  if (config.maxWindows !== null && !isInteger(config.maxWindows, 1))
    fail('maxWindows', 'null or an integer >= 1', config.maxWindows);
  if (!isInteger(config.batchSize, 1)) fail('batchSize', 'an integer >= 1', config.batchSize);
  if (!isInteger(config.encoderBatchSize, 1))
    fail('encoderBatchSize', 'an integer >= 1', config.encoderBatchSize);
  if (!isInteger(config.hiddenSize, 1)) fail('hiddenSize', 'an integer >= 1', config.hiddenSize);
  const evidence = config.evidence;
  if (evidence === null || typeof evidence !== 'object' || Array.isArray(evidence))
    fail('evidence', 'an object', evidence);
  const { minRelativeAttention, maxSpanWords } = evidence as Record<string, unknown>;
  if (
    minRelativeAttention !== undefined &&
    (typeof minRelativeAttention !== 'number' || !(minRelativeAttention >= 0 && minRelativeAttention <= 1))
  )
    fail('evidence.minRelativeAttention', 'a number in [0, 1]', minRelativeAttention);
  if (maxSpanWords !== undefined && !isInteger(maxSpanWords, 1))
    fail('evidence.maxSpanWords', 'an integer >= 1', maxSpanWords);
  return config as unknown as HeadCoderConfig;
}
