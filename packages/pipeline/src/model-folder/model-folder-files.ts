import type { Coder } from '@icd/core';
import { UnsupportedError } from '@icd/core';
import * as heads from '@icd/heads';
import { EnsembleCoder, LexicalCoder } from '@icd/heads';
import { DictionaryCoder } from '@icd/keybert';
import { PromptForClassification, promptModelFiles } from '@icd/prompt';
import { dictionaryModelJson } from './dictionary-model.js';
import {
  type CodeSetInfo,
  type ModelKind,
  PIPELINE_FORMAT,
  PIPELINE_FORMAT_VERSION,
  type PipelineMetadata,
} from './pipeline-metadata.js';

/** Files of a model folder by path (`/`-separated): text or bytes. */
export type ModelFolderFiles = Record<string, string | Uint8Array>;

/**
 * What the caller says about a model when saving it; kind, labels, the file list and the time are
 * filled in by {@link modelFolderFiles}.
 *
 * @example
 * ```ts
 * const info: ModelFolderInfo = { name: 'cardiology-prompt', codeSet, hashes: { config, data }, metrics: { microF1: 0.9 } };
 * ```
 */
export interface ModelFolderInfo {
  readonly name: string;
  readonly codeSet: CodeSetInfo;
  readonly hashes: { readonly config: string; readonly data: string };
  readonly thresholds?: number | readonly number[];
  readonly evidenceTerms?: PipelineMetadata['evidenceTerms'];
  readonly config?: unknown;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly data?: Readonly<Record<string, number>>;
  /** Default: now. */
  readonly created?: string;
}

type HeadCoderFiles = (coder: Coder) => Promise<ModelFolderFiles>;
const headCoderFiles = (heads as unknown as { headCoderFiles?: HeadCoderFiles }).headCoderFiles;
const HeadCoderClass = (heads as unknown as { HeadCoder?: abstract new (...args: never[]) => Coder })
  .HeadCoder;

/** The kind of a coder, as a model folder stores it. */
export function modelKindOf(model: Coder): ModelKind {
  if (model instanceof PromptForClassification) return 'prompt';
  if (model instanceof LexicalCoder) return 'lexical';
  if (model instanceof DictionaryCoder) return 'dictionary';
  if (model instanceof EnsembleCoder) return 'ensemble';
  if (HeadCoderClass && model instanceof HeadCoderClass) return 'heads';
  throw new UnsupportedError({
    feature: `saving a ${model?.constructor?.name ?? typeof model} in a model folder`,
    message:
      'model folders hold PromptForClassification, HeadCoder, LexicalCoder, DictionaryCoder (made by dictionaryCoder) and EnsembleCoder of those',
  });
}

async function ownFiles(model: Coder, kind: ModelKind): Promise<ModelFolderFiles> {
  if (kind === 'prompt') return promptModelFiles(model as PromptForClassification);
  if (kind === 'lexical') return { 'lexical.json': `${JSON.stringify((model as LexicalCoder).toJSON())}\n` };
  if (kind === 'dictionary') {
    const json = dictionaryModelJson(model as DictionaryCoder);
    if (!json)
      throw new UnsupportedError({
        feature: 'saving a DictionaryCoder built with `new`',
        message: 'build it with dictionaryCoder(options) of @icd/pipeline, which keeps its terms',
      });
    return { 'dictionary.json': `${JSON.stringify(json)}\n` };
  }
  if (kind === 'heads') {
    if (!headCoderFiles)
      throw new UnsupportedError({
        feature: 'head coders',
        message: 'this @icd/heads has no headCoderFiles',
      });
    return headCoderFiles(model);
  }
  return {};
}

/**
 * The code set restricted to a model's labels: a code set built over a corpus's classes may hold codes
 * the trained model never saw (absent from its train split); the folder lists only the model's.
 */
function codeSetOfLabels(codeSet: CodeSetInfo, labels: readonly string[]): CodeSetInfo {
  const valid = new Set(codeSet.codes.map((entry) => entry.code));
  const known = new Set(labels);
  return {
    ...codeSet,
    codes: codeSet.codes.filter((entry) => known.has(entry.code)),
    excluded: labels.filter((code) => !valid.has(code)),
  };
}

/**
 * The files of a model folder, without a file system: the model's own saved files (a prompt model's
 * `prompt.json` + `prompt.safetensors` + `plm/`, a head coder's files, `lexical.json`,
 * `dictionary.json`; an ensemble's two members in `first/` and `second/`, each a model folder) and
 * `pipeline.json` (format stamp, kind, label space, code set, thresholds, hashes, config, metrics,
 * the list of files). `saveModelFolder` of `@icd/pipeline/node` writes them with a model card.
 *
 * @example
 * ```ts
 * const files = await modelFolderFiles(coder, info);
 * const again = await loadModelFolder(files);
 * ```
 */
export async function modelFolderFiles(model: Coder, info: ModelFolderInfo): Promise<ModelFolderFiles> {
  const kind = modelKindOf(model);
  const files: ModelFolderFiles = await ownFiles(model, kind);
  let ensemble: PipelineMetadata['ensemble'];
  if (model instanceof EnsembleCoder) {
    const members = [
      ['first', model.first],
      ['second', model.second],
    ] as const;
    for (const [folder, member] of members) {
      const memberInfo: ModelFolderInfo = {
        ...info,
        name: `${info.name}-${folder}`,
        thresholds: undefined,
        codeSet: codeSetOfLabels(info.codeSet, member.labels),
      };
      const { thresholds: _t, ...withoutThresholds } = memberInfo;
      for (const [name, content] of Object.entries(await modelFolderFiles(member, withoutThresholds)))
        files[`${folder}/${name}`] = content;
    }
    ensemble = { members: ['first', 'second'], lambda: model.lambda, threshold: model.threshold };
  }
  const metadata: PipelineMetadata & { files: string[] } = {
    format: PIPELINE_FORMAT,
    version: PIPELINE_FORMAT_VERSION,
    kind,
    name: info.name,
    labels: [...model.labels],
    codeSet: codeSetOfLabels(info.codeSet, model.labels),
    ...(info.thresholds !== undefined ? { thresholds: info.thresholds } : {}),
    ...(info.evidenceTerms ? { evidenceTerms: info.evidenceTerms } : {}),
    hashes: info.hashes,
    ...(info.config !== undefined ? { config: info.config } : {}),
    ...(info.metrics ? { metrics: info.metrics } : {}),
    ...(info.data ? { data: info.data } : {}),
    created: info.created ?? new Date().toISOString(),
    ...(ensemble ? { ensemble } : {}),
    files: Object.keys(files).sort(),
  };
  files['pipeline.json'] = `${JSON.stringify(metadata, null, 2)}\n`;
  return files;
}
