import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { IcdError } from '@icd/core';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { CONFIG_SCHEMA } from './config-schema.js';

/** A config file's content after validation (see `CONFIG_SCHEMA` for the fields). */
export interface IcdConfig {
  readonly seed?: number;
  readonly data?: {
    readonly source: 'synthetic' | 'codiesp' | 'jsonl';
    readonly size?: number;
    readonly labelNoise?: number;
    readonly dir?: string;
    readonly language?: 'en' | 'es';
    readonly topCodes?: number;
    readonly train?: string;
    readonly validation?: string;
    readonly test?: string;
    readonly validationShare?: number;
  };
  readonly codeSet?: {
    readonly source: 'mdr-bert' | 'icd10cm' | 'list';
    readonly dir?: string;
    readonly file?: string;
    readonly billableOnly?: boolean;
  };
  readonly pretrain?: {
    readonly out?: string;
    readonly vocabSize?: number;
    readonly hiddenSize?: number;
    readonly layers?: number;
    readonly heads?: number;
    readonly maxLength?: number;
    readonly steps?: number;
    readonly batchSize?: number;
    readonly learningRate?: number;
  };
  readonly model?: {
    readonly kind?: 'prompt' | 'heads' | 'lexical' | 'dictionary' | 'ensemble';
    readonly name?: string;
    readonly plm?: string;
    readonly template?: 'manual' | 'soft' | 'mixed';
    readonly templateText?: string;
    readonly verbalizer?: 'manual' | 'soft';
    readonly maxLength?: number;
    readonly freezePlm?: boolean;
    readonly dropout?: number;
    readonly c?: number;
    readonly minDf?: number;
    readonly members?: readonly ('prompt' | 'lexical' | 'dictionary')[];
    /** The dictionary coder's terms: the label codes' (default) or the whole code set's (`codeSet`). */
    readonly dictionary?: 'labels' | 'codeSet';
    /** `heads`: the head over the encoder (default `label-attention`, LAAT; `cls`: a linear [CLS] head). */
    readonly head?: 'cls' | 'label-attention';
    /** `heads`, label attention only: knowledge injection (eqs. 6–9) from the code set's descriptions. */
    readonly knowledgeInjection?: boolean;
    /** `heads`: knowledge texts per code from ICD-10-CM (description + inclusion terms; default 8). */
    readonly maxKnowledgePerCode?: number;
    /** `heads`, label attention only: label queries initialised from the codes' descriptions. */
    readonly descriptionQueries?: boolean;
    /** `heads`, label attention: d_a, the attention space's width (default the hidden size). */
    readonly projectionSize?: number;
    /** `heads`, cls: `cls` (first position, default) or `mean` pooling. */
    readonly pooling?: 'cls' | 'mean';
    /** `heads`: tokens shared by consecutive windows of a long note (default 0). */
    readonly stride?: number;
    /** `heads`: at most this many windows per note (default all). */
    readonly maxWindows?: number;
  };
  readonly train?: {
    readonly epochs?: number;
    readonly batchSize?: number;
    readonly accumulationSteps?: number;
    readonly warmupRatio?: number;
    readonly optimizer?: 'adamw' | 'adafactor';
    readonly learningRates?: {
      readonly plm?: number;
      readonly template?: number;
      readonly verbalizer?: number;
      /** `heads`: the head's AdamW rate (default 1e-3). */
      readonly head?: number;
    };
    readonly patience?: number;
    /** `heads`, multi-label: one threshold for every code (`global`, default) or one per code. */
    readonly tuneThreshold?: 'global' | 'perLabel';
    readonly maxTrainNotes?: number;
  };
  readonly out?: string;
  readonly search?: {
    readonly trials?: number;
    readonly objective?: 'accuracy' | 'macroAuc' | 'microF1' | 'map';
    readonly log?: string;
    readonly space?: Readonly<Record<string, readonly (number | string)[]>>;
  };
}

/** A config that fails the schema, or cannot be read: names the file and the field. */
export class ConfigError extends IcdError {
  readonly file: string;
  readonly field: string | undefined;
  constructor(options: { file: string; field?: string; message: string; cause?: unknown }) {
    super({
      name: 'ConfigError',
      message: options.message,
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.file = options.file;
    this.field = options.field;
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

const fieldOf = (error: ErrorObject) => {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties')
    path.push((error.params as { additionalProperty: string }).additionalProperty);
  if (error.keyword === 'required') path.push((error.params as { missingProperty: string }).missingProperty);
  return (
    path
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : part))
      .join('.')
      .replace(/\.\[/g, '[') || '(root)'
  );
};

const describe = (error: ErrorObject, value: unknown) => {
  if (error.keyword === 'additionalProperties') return 'is not a known field';
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum')
    return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`;
  return `${error.message ?? 'is invalid'}, got ${JSON.stringify(value)}`;
};

const valueAt = (root: unknown, pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
      root,
    );

/** Fields of `model` that only `kind: heads` reads. */
const HEAD_FIELDS = [
  'head',
  'knowledgeInjection',
  'maxKnowledgePerCode',
  'descriptionQueries',
  'projectionSize',
  'pooling',
  'stride',
  'maxWindows',
] as const;
/** Fields of `model` that only label attention reads, and the one only the [CLS] head reads. */
const LABEL_ATTENTION_FIELDS = [
  'knowledgeInjection',
  'maxKnowledgePerCode',
  'descriptionQueries',
  'projectionSize',
] as const;

/** What a schema cannot say: fields that do not fit together (a heads field on a prompt model, ...). */
function crossFieldProblem(config: IcdConfig): { field: string; message: string } | undefined {
  const model = config.model ?? {};
  const kind = model.kind ?? 'prompt';
  if (kind !== 'heads') {
    const field = HEAD_FIELDS.find((name) => model[name] !== undefined);
    if (field)
      return { field: `model.${field}`, message: `is for model.kind "heads" only, got model.kind "${kind}"` };
    if (config.train?.learningRates?.head !== undefined)
      return {
        field: 'train.learningRates.head',
        message: `is for model.kind "heads" only, got model.kind "${kind}"`,
      };
    return undefined;
  }
  const head = model.head ?? 'label-attention';
  if (head === 'cls') {
    const field = LABEL_ATTENTION_FIELDS.find((name) => model[name] !== undefined && model[name] !== false);
    if (field)
      return { field: `model.${field}`, message: 'needs model.head "label-attention", got model.head "cls"' };
  } else if (model.pooling !== undefined)
    return { field: 'model.pooling', message: `needs model.head "cls", got model.head "${head}"` };
  if (config.train?.optimizer === 'adafactor')
    return {
      field: 'train.optimizer',
      message: 'must be "adamw" for model.kind "heads" (trainHead uses AdamW), got "adafactor"',
    };
  return undefined;
}

/**
 * Checks a config object against the schema, then fields that must fit together (heads-only fields
 * on another kind, label-attention fields on a [CLS] head); a {@link ConfigError} naming the first bad field and
 * the file (`train.learningRates.plm must be > 0, got -1 in icd.config.yaml`).
 *
 * @example
 * ```ts
 * validateConfig({ train: { epochs: 0 } }, 'icd.yaml'); // throws: train.epochs must be >= 1, got 0 in icd.yaml
 * ```
 */
export function validateConfig(config: unknown, file: string): IcdConfig {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(CONFIG_SCHEMA);
  if (validator(config)) {
    const problem = crossFieldProblem(config as IcdConfig);
    if (problem)
      throw new ConfigError({
        file,
        field: problem.field,
        message: `${problem.field} ${problem.message} in ${file}`,
      });
    return config as IcdConfig;
  }
  const errors = validator.errors ?? [];
  const first = errors[0]!;
  const field = fieldOf(first);
  const messages = errors.map(
    (error) => `${fieldOf(error)} ${describe(error, valueAt(config, error.instancePath))}`,
  );
  throw new ConfigError({
    file,
    field,
    message: `${[...new Set(messages)].join('; ')} in ${file}`,
  });
}

/**
 * Reads a JSON (`.json`) or YAML (`.yaml`, `.yml`) config file and validates it.
 *
 * @example
 * ```ts
 * const config = await readConfigFile('icd.config.yaml');
 * ```
 */
export async function readConfigFile(file: string): Promise<IcdConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError({
      file,
      message: `cannot read the config file ${file} (${(cause as Error).message})`,
      cause,
    });
  }
  let content: unknown;
  try {
    content = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError({
      file,
      message: `${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(cause as Error).message}`,
      cause,
    });
  }
  return validateConfig(content ?? {}, file);
}

/** Sets `value` at a dotted `path` (`train.learningRates.plm`) of a copy of `config`. */
export function setPath(
  config: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (!head) return config;
  if (rest.length === 0) return { ...config, [head]: value };
  const inner = config[head];
  return {
    ...config,
    [head]: setPath(
      inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : {},
      rest.join('.'),
      value,
    ),
  };
}

/** A flag value as the schema expects it: numbers and booleans from their text, else the text. */
export function parseFlagValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}
