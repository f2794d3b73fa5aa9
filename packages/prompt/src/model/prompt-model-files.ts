import { BertForMaskedLM, SafetensorsFile, serializeSafetensors } from '@icd/bert';
import type { TokenizerLike } from '@icd/core';
import { CheckpointError, UnsupportedError } from '@icd/core';
import { tokenizerFromFiles } from '@icd/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { ManualTemplate } from '../templates/manual-template.js';
import { MixedTemplate } from '../templates/mixed-template.js';
import type { PostProcessingFunction } from '../templates/post-processing.js';
import { SoftTemplate } from '../templates/soft-template.js';
import type { Template, TemplateJson } from '../templates/template.js';
import type { TruncationStrategy } from '../templates/truncate-parts.js';
import { KnowledgeableVerbalizer } from '../verbalizers/knowledgeable-verbalizer.js';
import { ManualVerbalizer, type MultiTokenHandler } from '../verbalizers/manual-verbalizer.js';
import { SoftVerbalizer } from '../verbalizers/soft-verbalizer.js';
import type { Verbalizer, VerbalizerJson } from '../verbalizers/verbalizer.js';
import { PromptForClassification, type PromptMaskedLM } from './prompt-for-classification.js';

/**
 * `prompt.json`: everything of a prompt model but its tensors and its PLM.
 *
 * @example
 * ```ts
 * const config: PromptModelConfig = JSON.parse(files['prompt.json'] as string);
 * config.template.text; // '{"placeholder":"text_a"} ...'
 * ```
 */
export interface PromptModelConfig {
  readonly format: 'icd-prompt/1';
  readonly classes: readonly string[];
  readonly multiLabel: boolean;
  readonly freezePlm: boolean;
  readonly thresholds: readonly number[];
  readonly batchSize: number;
  readonly template: TemplateJson;
  readonly verbalizer: VerbalizerJson;
}

/**
 * How to rebuild the parts a folder cannot hold: functions (a custom truncation or post-processing),
 * verbalizers of your own (by their `toJSON().type`), another PLM or tokenizer.
 *
 * @example
 * ```ts
 * const model = await PromptForClassification.fromFiles(files, { verbalizers: { description: (json) => DescriptionVerbalizer.fromJSON(json) } });
 * ```
 */
export interface PromptModelLoadOptions {
  /** The PLM to use instead of the one in `plm/` (e.g. already loaded). */
  readonly plm?: PromptMaskedLM;
  readonly tokenizer?: TokenizerLike;
  /** Needed when the template was saved with a custom truncation function (`truncation: 'custom'`). */
  readonly truncation?: TruncationStrategy;
  readonly postProcessing?: Readonly<Record<string, PostProcessingFunction>>;
  /** Builders of verbalizer types other than `manual`, `knowledgeable` and `soft`. */
  readonly verbalizers?: Readonly<
    Record<string, (json: VerbalizerJson, context: VerbalizerBuildContext) => Verbalizer>
  >;
}

/**
 * What a verbalizer builder gets: the tokenizer, the PLM, and the saved tensors of the verbalizer (by
 * name without the `verbalizer.` prefix).
 *
 * @example
 * ```ts
 * const build = (json: VerbalizerJson, { tokenizer }: VerbalizerBuildContext) => new MyVerbalizer(json.classes, tokenizer);
 * ```
 */
export interface VerbalizerBuildContext {
  readonly tokenizer: TokenizerLike;
  readonly plm: PromptMaskedLM;
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
}

/** The files of a prompt model (`prompt.json`, `prompt.safetensors`, `plm/...`), without a file system. */
export async function promptModelFiles(
  model: PromptForClassification,
): Promise<Record<string, string | Uint8Array>> {
  const config: PromptModelConfig = {
    format: 'icd-prompt/1',
    classes: model.labels,
    multiLabel: model.multiLabel,
    freezePlm: model.freezePlm,
    thresholds: Array.from(model.thresholds),
    batchSize: model.batchSize,
    template: model.template.toJSON(),
    verbalizer: model.verbalizer.toJSON(),
  };
  const tensors = [
    ...[...model.template.weights].map(([name, v]) => ({
      name: `template.${name}`,
      shape: v.shape,
      data: v.dataSync() as Float32Array,
    })),
    ...[...model.verbalizer.weights].map(([name, v]) => ({
      name: `verbalizer.${name}`,
      shape: v.shape,
      data: v.dataSync() as Float32Array,
    })),
  ];
  const calibration = model.verbalizer.calibration;
  if (calibration)
    tensors.push({ name: 'verbalizer.calibration', shape: [calibration.length], data: calibration });
  const plm = model.plm as PromptMaskedLM & {
    toPretrainedFiles?: (options: {
      tokenizer?: TokenizerLike;
    }) => Promise<Record<string, string | Uint8Array>>;
  };
  if (typeof plm.toPretrainedFiles !== 'function')
    throw new UnsupportedError({
      feature: 'saving this PLM',
      message:
        'The PLM has no toPretrainedFiles() (BertForMaskedLM has): save it yourself and pass it as options.plm when loading',
    });
  const files: Record<string, string | Uint8Array> = {
    'prompt.json': `${JSON.stringify(config, null, 2)}\n`,
    'prompt.safetensors': serializeSafetensors(tensors, { format: 'icd-prompt' }),
  };
  for (const [name, content] of Object.entries(
    await plm.toPretrainedFiles({ tokenizer: model.template.tokenizer }),
  ))
    files[`plm/${name}`] = content;
  return files;
}

const text = (files: Readonly<Record<string, string | Uint8Array>>, name: string): string | undefined => {
  const content = files[name];
  return content === undefined
    ? undefined
    : typeof content === 'string'
      ? content
      : new TextDecoder().decode(content);
};

function loadTokenizer(files: Readonly<Record<string, string | Uint8Array>>): TokenizerLike {
  const tokenizerJson = text(files, 'plm/tokenizer.json');
  const vocab = text(files, 'plm/vocab.txt');
  if (tokenizerJson === undefined && vocab === undefined)
    throw new CheckpointError({
      file: 'plm/vocab.txt',
      message: 'the folder has no tokenizer (plm/tokenizer.json or plm/vocab.txt); pass options.tokenizer',
    });
  // As transformers reads a folder (e.g. a plm/ saved by Python with vocab.txt only): casing, accents
  // and special tokens from tokenizer_config.json.
  return tokenizerFromFiles({
    tokenizerJson,
    vocab,
    tokenizerConfig: text(files, 'plm/tokenizer_config.json'),
  });
}

function buildTemplate(
  json: TemplateJson,
  tensors: ReadonlyMap<string, tf.Tensor>,
  tokenizer: TokenizerLike,
  options: PromptModelLoadOptions,
): Template {
  if (json.truncation === 'custom' && !options.truncation)
    throw new CheckpointError({
      file: 'prompt.json',
      message:
        'the template was saved with a custom truncation function: pass it again as options.truncation',
    });
  const base = {
    tokenizer,
    text: json.text,
    maxLength: json.maxLength,
    truncation: options.truncation ?? (json.truncation as TruncationStrategy),
    ...(options.postProcessing ? { postProcessing: options.postProcessing } : {}),
  };
  const tensor = (name: string) => {
    const value = tensors.get(`template.${name}`);
    if (!value)
      throw new CheckpointError({
        file: 'prompt.safetensors',
        tensor: `template.${name}`,
        message: 'missing',
      });
    return value as tf.Tensor2D;
  };
  if (json.type === 'manual') return new ManualTemplate(base);
  if (json.type === 'mixed')
    return new MixedTemplate({ ...base, softEmbedding: tensor('soft_embedding.weight') });
  if (json.type === 'soft') return new SoftTemplate({ ...base, softEmbeds: tensor('soft_embeds') });
  throw new CheckpointError({
    file: 'prompt.json',
    message: `unknown template type ${JSON.stringify(json.type)}`,
  });
}

function buildVerbalizer(
  json: VerbalizerJson,
  context: VerbalizerBuildContext,
  options: PromptModelLoadOptions,
): Verbalizer {
  const custom = options.verbalizers?.[json.type];
  if (custom) return custom(json, context);
  const { tokenizer, tensors } = context;
  const common = { tokenizer, classes: json.classes, postLogSoftmax: json.postLogSoftmax as boolean };
  const manual = {
    ...common,
    labelWords: json.labelWords as string[][],
    prefix: '',
    multiTokenHandler: json.multiTokenHandler as MultiTokenHandler,
  };
  if (json.type === 'manual') return new ManualVerbalizer(manual);
  if (json.type === 'knowledgeable') {
    const wordWeights = tensors.get('label_words_weights') as tf.Tensor2D | undefined;
    return new KnowledgeableVerbalizer({
      ...manual,
      maxTokenSplit: json.maxTokenSplit as number,
      candidateFraction: json.candidateFraction as number,
      predictionTemperature: json.predictionTemperature as number,
      ...(wordWeights ? { wordWeights } : {}),
    });
  }
  if (json.type === 'soft') {
    const classWeight = tensors.get('head_last_layer.weight') as tf.Tensor2D | undefined;
    if (!classWeight)
      throw new CheckpointError({
        file: 'prompt.safetensors',
        tensor: 'verbalizer.head_last_layer.weight',
        message: 'missing',
      });
    return new SoftVerbalizer({
      ...common,
      classWeight,
      ...(json.labelWords ? { labelWords: json.labelWords as string[], prefix: '' } : {}),
    });
  }
  throw new CheckpointError({
    file: 'prompt.json',
    message: `verbalizer type ${JSON.stringify(json.type)} is not built in: pass a builder as options.verbalizers[${JSON.stringify(json.type)}]`,
  });
}

/**
 * Rebuilds a prompt model from the files {@link promptModelFiles} wrote (read by `@icd/prompt/node`'s
 * `loadPromptModel`, or fetched in a browser). The PLM defaults to `@icd/bert`'s `BertForMaskedLM`
 * from `plm/config.json` + `plm/model.safetensors`.
 */
export async function promptModelFromFiles(
  files: Readonly<Record<string, string | Uint8Array>>,
  options: PromptModelLoadOptions = {},
): Promise<PromptForClassification> {
  const configText = text(files, 'prompt.json');
  if (configText === undefined)
    throw new CheckpointError({ file: 'prompt.json', message: 'missing: not a prompt model folder' });
  let config: PromptModelConfig;
  try {
    config = JSON.parse(configText) as PromptModelConfig;
  } catch (cause) {
    throw new CheckpointError({ file: 'prompt.json', message: `not valid JSON (${String(cause)})`, cause });
  }
  if (config?.format !== 'icd-prompt/1')
    throw new CheckpointError({
      file: 'prompt.json',
      message: `format ${JSON.stringify(config?.format)} is not icd-prompt/1`,
    });
  const weights = files['prompt.safetensors'];
  if (!(weights instanceof Uint8Array))
    throw new CheckpointError({ file: 'prompt.safetensors', message: 'missing' });
  const file = new SafetensorsFile(weights, 'prompt.safetensors');
  if (config.template?.truncation === 'custom' && !options.truncation)
    throw new CheckpointError({
      file: 'prompt.json',
      message:
        'the template was saved with a custom truncation function: pass it again as options.truncation',
    });
  const tokenizer = options.tokenizer ?? loadTokenizer(files);
  let plm = options.plm;
  if (!plm) {
    const plmWeights = files['plm/model.safetensors'];
    const plmConfig = text(files, 'plm/config.json');
    if (!(plmWeights instanceof Uint8Array) || plmConfig === undefined)
      throw new CheckpointError({ file: 'plm/model.safetensors', message: 'missing (or pass options.plm)' });
    plm = (await BertForMaskedLM.fromSafetensors(plmWeights, JSON.parse(plmConfig), {
      tokenizer,
    })) as unknown as PromptMaskedLM;
  }
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const [name, entry] of file.entries)
      tensors.set(name, tf.tensor(file.readFloat32(name), entry.shape as number[]));
    const template = buildTemplate(config.template, tensors, tokenizer, options);
    const verbalizerTensors = new Map(
      [...tensors].filter(([name]) => name.startsWith('verbalizer.')).map(([name, t]) => [name.slice(11), t]),
    );
    const verbalizer = buildVerbalizer(
      config.verbalizer,
      { tokenizer, plm, tensors: verbalizerTensors },
      options,
    );
    const calibration = verbalizerTensors.get('calibration');
    if (calibration) verbalizer.setCalibrationLogits(calibration.dataSync() as Float32Array);
    return new PromptForClassification({
      template,
      plm,
      verbalizer,
      multiLabel: config.multiLabel,
      freezePlm: config.freezePlm,
      threshold: config.thresholds,
      batchSize: config.batchSize,
    });
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
