import type { TokenizerLike } from '@icd/core';
import { CheckpointError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';
import {
  encoderParameterSpecs,
  maskedLMHeadParameterSpecs,
  type ParameterSpec,
} from '../model/parameter-specs.js';
import type { SafetensorsFile } from '../safetensors/safetensors-file.js';
import { canonicalName } from './canonical-name.js';
import type { LoadReport } from './load-report.js';

/**
 * Options of `fromPretrained` / `fromSafetensors`.
 *
 * @example
 * ```ts
 * const options: PretrainedOptions = { allowMissingWeights: true, tokenizer: loadTokenizer('models/my-bert') };
 * const mlm = await BertForMaskedLM.fromPretrained('models/my-bert', options);
 * mlm.loadReport?.missingWeights; // what was initialised fresh
 * ```
 */
export interface PretrainedOptions {
  /** Keep the pooler; default: when the checkpoint has `pooler.dense.*`. */
  readonly addPoolingLayer?: boolean;
  /**
   * Initialise weights the checkpoint lacks (e.g. the MLM head of a `BertModel` checkpoint) instead of
   * failing; their names are in the model's `loadReport.missingWeights` (default false). Fresh weights
   * may not outnumber the checkpoint's own values (a `config.json` asking for gigabytes is refused).
   */
  readonly allowMissingWeights?: boolean;
  /** Tokenizer to attach to the model (written by `save`). */
  readonly tokenizer?: TokenizerLike;
}

/** What a checkpoint held, converted to tensors in memory layout. @internal */
export interface PretrainedParts {
  readonly config: BertConfig;
  readonly hasPooler: boolean;
  /** Encoder weights by HF name without the `bert.` prefix. */
  readonly encoderWeights: Map<string, tf.Tensor>;
  /** `cls.predictions.*` weights. */
  readonly headWeights: Map<string, tf.Tensor>;
  readonly report: LoadReport;
  /** @deprecated use `report.missingWeights`. */
  readonly missingWeights: readonly string[];
  /** @deprecated use `report.unusedTensors`. */
  readonly unusedTensors: readonly string[];
  dispose(): void;
}

const layerPattern = /^bert\.encoder\.layer\.(\d+)\./;
const decoderWeight = 'cls.predictions.decoder.weight';
const wordEmbeddings = 'bert.embeddings.word_embeddings.weight';

/** Values per encoder layer: Q, K, V, output dense, two LayerNorms, intermediate and output dense. */
function layerElements(config: BertConfig): number {
  const { hiddenSize: h, intermediateSize: i } = config;
  return 4 * (h * h + h) + 4 * h + (h * i + i) + (i * h + h);
}

function sameValues(a: SafetensorsFile, nameA: string, b: SafetensorsFile, nameB: string): boolean {
  const shapeA = a.entries.get(nameA)?.shape ?? [];
  const shapeB = b.entries.get(nameB)?.shape ?? [];
  if (shapeA.length !== shapeB.length || shapeA.some((d, i) => d !== shapeB[i])) return false;
  const x = a.readFloat32(nameA);
  const y = b.readFloat32(nameB);
  for (let index = 0; index < x.length; index++) if (!Object.is(x[index], y[index])) return false;
  return x.length === y.length;
}

function elementsOf(shape: readonly number[]): number {
  return shape.reduce((product, d) => product * d, 1);
}

/**
 * Builds the parts of a BERT from parsed safetensors files and a config, for an `encoder` (BertModel) or
 * a `maskedLM` (BertForMaskedLM): normalises names (see `canonicalName`), checks the layer count and
 * every shape against the config before allocating anything, bounds fresh weights by what the files
 * hold, converts F16/BF16 to float32 and transposes PyTorch `[out, in]` linear weights. Browser-safe
 * (no file system). @internal
 */
export function assemblePretrained(
  config: BertConfig,
  files: readonly SafetensorsFile[],
  target: 'encoder' | 'maskedLM',
  options: PretrainedOptions = {},
): PretrainedParts {
  const source = files[0]?.file ?? 'safetensors';
  const located = new Map<string, { file: SafetensorsFile; name: string }>();
  let fileElements = 0;
  let fileLayers = 0;
  for (const file of files) {
    for (const [name, entry] of file.entries) {
      const canonical = canonicalName(name);
      fileElements += elementsOf(entry.shape);
      const layer = layerPattern.exec(canonical);
      if (layer) fileLayers = Math.max(fileLayers, Number(layer[1]) + 1);
      // Two tensors for one weight (`cls.predictions.bias` and its alias `decoder.bias`, `bert.x` and
      // `x`, `LayerNorm.gamma` and `LayerNorm.weight`): the first is kept when both hold the same
      // values; otherwise which one the model should get is unknowable, so the load is refused.
      const first = located.get(canonical);
      if (first === undefined) located.set(canonical, { file, name });
      else if (!sameValues(first.file, first.name, file, name)) {
        throw new CheckpointError({
          file: file.file,
          tensor: name,
          message: `has both '${first.name}'${first.file === file ? '' : ` (in ${first.file.file})`} and '${name}' for the weight ${canonical}, with different values. Remove one of them.`,
        });
      }
    }
  }
  // Layer counts first: the parameter list of `num_hidden_layers: 1e7` would not fit in memory, and a
  // checkpoint layer beyond the config would otherwise be dropped without a word.
  if (fileLayers > config.numHiddenLayers) {
    throw new CheckpointError({
      file: source,
      tensor: `bert.encoder.layer.${fileLayers - 1}`,
      message: `holds ${fileLayers} encoder layers but config.json says num_hidden_layers ${config.numHiddenLayers}; loading would drop layers ${config.numHiddenLayers}-${fileLayers - 1}. Fix num_hidden_layers, or slice the checkpoint explicitly.`,
    });
  }
  if (fileLayers < config.numHiddenLayers) {
    const fresh = (config.numHiddenLayers - fileLayers) * layerElements(config);
    if (!options.allowMissingWeights || fresh > fileElements) {
      throw new CheckpointError({
        file: source,
        tensor: `bert.encoder.layer.${fileLayers}`,
        message: `holds ${fileLayers} encoder layers but config.json says num_hidden_layers ${config.numHiddenLayers}${options.allowMissingWeights ? `: ${fresh} fresh values would outnumber the checkpoint's ${fileElements}` : ''}. Fix num_hidden_layers${options.allowMissingWeights ? '' : ', or pass { allowMissingWeights: true } to add fresh layers'}.`,
      });
    }
  }
  const hasPooler = options.addPoolingLayer ?? located.has('bert.pooler.dense.weight');
  const specs: { spec: ParameterSpec; fullName: string; head: boolean }[] = encoderParameterSpecs(
    config,
    hasPooler,
  ).map((spec) => ({ spec, fullName: `bert.${spec.name}`, head: false }));
  if (target === 'maskedLM') {
    for (const spec of maskedLMHeadParameterSpecs(config))
      specs.push({ spec, fullName: spec.name, head: true });
  }
  const missing = specs.filter(({ fullName }) => !located.has(fullName));
  const missingWeights = missing.map(({ fullName }) => fullName);
  if (missing.length > 0) {
    const fresh = missing.reduce((sum, { spec }) => sum + elementsOf(spec.fileShape), 0);
    if (!options.allowMissingWeights) {
      throw new CheckpointError({
        file: source,
        tensor: missingWeights[0],
        message: `lacks ${missing.length} weight(s) the model needs: ${missingWeights.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''}. Pass { allowMissingWeights: true } to initialise them fresh.`,
      });
    }
    if (fresh > fileElements) {
      throw new CheckpointError({
        file: source,
        tensor: missingWeights[0],
        message: `lacks ${missing.length} weight(s) with ${fresh} values in all, more than the checkpoint's own ${fileElements}: config.json (hidden_size ${config.hiddenSize}, vocab_size ${config.vocabSize}, intermediate_size ${config.intermediateSize}) does not describe this checkpoint.`,
      });
    }
  }
  // Every present tensor's shape is checked before any is converted.
  for (const { spec, fullName } of specs) {
    const found = located.get(fullName);
    if (!found) continue;
    const shape = found.file.entries.get(found.name)?.shape ?? [];
    if (shape.length !== spec.fileShape.length || shape.some((d, i) => d !== spec.fileShape[i])) {
      throw new CheckpointError({
        file: found.file.file,
        tensor: found.name,
        message: `tensor '${found.name}' has shape [${shape.join(', ')}] but config.json implies [${spec.fileShape.join(', ')}]`,
      });
    }
  }
  checkDecoder(config, located, target);

  const encoderWeights = new Map<string, tf.Tensor>();
  const headWeights = new Map<string, tf.Tensor>();
  const used = new Set<string>();
  const dispose = () => tf.dispose([...encoderWeights.values(), ...headWeights.values()]);
  try {
    for (const { spec, fullName, head } of specs) {
      const found = located.get(fullName);
      if (!found) continue;
      used.add(fullName);
      const values = found.file.readFloat32(found.name);
      const tensor = tf.tidy(() => {
        const raw = tf.tensor(values, [...spec.fileShape], 'float32');
        return spec.kind === 'linear' ? tf.transpose(raw) : raw;
      });
      (head ? headWeights : encoderWeights).set(spec.name, tensor);
    }
  } catch (error) {
    dispose();
    throw error;
  }
  const tied = config.tieWordEmbeddings;
  const unusedTensors = [...located.keys()].filter(
    (name) =>
      !used.has(name) &&
      !(tied && name === decoderWeight) &&
      !(target === 'encoder' && name.startsWith('cls.')),
  );
  const report: LoadReport = {
    source,
    target,
    missingWeights,
    unusedTensors,
    randomHead: target === 'maskedLM' && missingWeights.some((name) => name.startsWith('cls.')),
    tiedDecoder: target === 'maskedLM' ? tied : undefined,
  };
  return {
    config,
    hasPooler,
    encoderWeights,
    headWeights,
    report,
    missingWeights,
    unusedTensors,
    dispose,
  };
}

/**
 * A decoder weight in the file must be what the config says: the word embeddings again when tied (HF
 * would silently replace a different one by the embeddings), or a weight of its own when untied
 * (`tie_word_embeddings: false`, then loaded as `cls.predictions.decoder.weight`).
 */
function checkDecoder(
  config: BertConfig,
  located: ReadonlyMap<string, { file: SafetensorsFile; name: string }>,
  target: 'encoder' | 'maskedLM',
): void {
  const decoder = located.get(decoderWeight);
  const words = located.get(wordEmbeddings);
  if (target !== 'maskedLM' || !config.tieWordEmbeddings || !decoder || !words) return;
  const a = decoder.file.readFloat32(decoder.name);
  const b = words.file.readFloat32(words.name);
  let worst = a.length === b.length ? 0 : Number.POSITIVE_INFINITY;
  for (let index = 0; index < a.length && worst === 0; index++) {
    if (a[index] !== b[index]) worst = Math.abs((a[index] as number) - (b[index] as number));
  }
  if (worst !== 0) {
    throw new CheckpointError({
      file: decoder.file.file,
      tensor: decoder.name,
      message: `has a '${decoder.name}' that differs from the word embeddings, but config.json ties the decoder to them (tie_word_embeddings absent or true), so it would be ignored. Set "tie_word_embeddings": false in config.json to load the untied decoder.`,
    });
  }
}
