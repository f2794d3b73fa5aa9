import { CheckpointError, UnsupportedError } from '@icd/core';
import type { TermEntry } from '@icd/keybert';

/** The format stamp of `pipeline.json`; loaders refuse any other. */
export const PIPELINE_FORMAT = 'icd-pipeline';
/** The version of `pipeline.json` this package writes and reads. */
export const PIPELINE_FORMAT_VERSION = 1;

/** What model a folder holds, i.e. which loader rebuilds it. */
export type ModelKind = 'prompt' | 'heads' | 'lexical' | 'dictionary' | 'ensemble';

/** The model kinds, in the order the docs list them. */
export const MODEL_KINDS: readonly ModelKind[] = ['prompt', 'heads', 'lexical', 'dictionary', 'ensemble'];

/** One code of a code set and its display text (the ICD-10-CM long description, or a user's name). */
export interface CodeSetEntry {
  readonly code: string;
  readonly display: string;
}

/**
 * The codes a model folder may emit: the labels that are valid in the chosen code set, each with its
 * display. Codes of the label space outside the code set are listed in `excluded` and never emitted.
 */
export interface CodeSetInfo {
  /** `'icd10cm'` (the CDC table), or the name of a user's list. */
  readonly name: string;
  /** The FHIR code system URI (`http://hl7.org/fhir/sid/icd-10-cm` for ICD-10-CM). */
  readonly system: string;
  readonly codes: readonly CodeSetEntry[];
  /** Labels of the model that the code set does not hold. */
  readonly excluded: readonly string[];
}

/**
 * `pipeline.json`: what the pipeline knows about a model folder beyond the model's own files.
 *
 * @example
 * ```ts
 * const metadata = parsePipelineMetadata(files['pipeline.json']);
 * metadata.kind; // 'prompt'
 * metadata.metrics; // { microF1: 0.91, macroAuc: 0.98, ... }
 * ```
 */
export interface PipelineMetadata {
  readonly format: typeof PIPELINE_FORMAT;
  readonly version: typeof PIPELINE_FORMAT_VERSION;
  readonly kind: ModelKind;
  /** A short name for the model card (`cardiology-prompt`). */
  readonly name: string;
  /** The model's label space, in the model's order. */
  readonly labels: readonly string[];
  readonly codeSet: CodeSetInfo;
  /**
   * Thresholds the pipeline applies over the model's own: one for every code, or one per label (in
   * `labels` order). Absent: the model's own thresholds.
   */
  readonly thresholds?: number | readonly number[];
  /** Dictionary terms for evidence when the model gives none (Key-BERT dictionary matches). */
  readonly evidenceTerms?: readonly TermEntry[];
  /** SHA-256 (hex) of the canonical JSON of the config that trained the model, and of its training data. */
  readonly hashes: { readonly config: string; readonly data: string };
  /** The config that made the model (as validated), for the model card and for reruns. */
  readonly config?: unknown;
  /** Figures on the validation (dev) split: `microF1`, `macroAuc`, `accuracy`, `map`, ... */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Notes per split the model saw (`train`, `validation`). */
  readonly data?: Readonly<Record<string, number>>;
  /** ISO 8601 time of saving. */
  readonly created: string;
  /** Every file of the folder but `pipeline.json` (members' files with their sub-folder), for URL loading. */
  readonly files?: readonly string[];
  /** Ensemble only: its two members (sub-folders, each a model folder) and eq. 5's λ. */
  readonly ensemble?: {
    readonly members: readonly [string, string];
    readonly lambda: number;
    readonly threshold: number;
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses and checks `pipeline.json`: a `CheckpointError` for a missing or malformed file, an
 * `UnsupportedError` for another format or a newer version (written by a later `@icd/pipeline`).
 *
 * @example
 * ```ts
 * parsePipelineMetadata('{"format":"icd-pipeline","version":2}'); // throws UnsupportedError
 * ```
 */
export function parsePipelineMetadata(
  content: string | Uint8Array | undefined,
  file = 'pipeline.json',
): PipelineMetadata {
  if (content === undefined)
    throw new CheckpointError({ file, message: 'missing: not a model folder written by @icd/pipeline' });
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CheckpointError({ file, message: `not valid JSON (${String(cause)})`, cause });
  }
  if (!isRecord(json) || json.format !== PIPELINE_FORMAT)
    throw new UnsupportedError({
      feature: `model folder format ${JSON.stringify(isRecord(json) ? json.format : json)}`,
      message: `${file}: format must be "${PIPELINE_FORMAT}"`,
    });
  if (json.version !== PIPELINE_FORMAT_VERSION)
    throw new UnsupportedError({
      feature: `${PIPELINE_FORMAT} version ${JSON.stringify(json.version)}`,
      message: `${file}: this @icd/pipeline reads version ${PIPELINE_FORMAT_VERSION} only, got ${JSON.stringify(json.version)}`,
    });
  const fail = (field: string, expected: string): never => {
    throw new CheckpointError({ file, message: `${field} must be ${expected}` });
  };
  if (!MODEL_KINDS.includes(json.kind as ModelKind)) fail('kind', `one of ${MODEL_KINDS.join(', ')}`);
  if (!Array.isArray(json.labels) || json.labels.some((label) => typeof label !== 'string'))
    fail('labels', 'an array of codes');
  const codeSet = json.codeSet;
  if (
    !isRecord(codeSet) ||
    typeof codeSet.system !== 'string' ||
    !Array.isArray(codeSet.codes) ||
    codeSet.codes.some((entry) => !isRecord(entry) || typeof entry.code !== 'string')
  )
    fail('codeSet', 'an object { name, system, codes: [{ code, display }], excluded }');
  const thresholds = json.thresholds;
  if (
    thresholds !== undefined &&
    !(typeof thresholds === 'number' && Number.isFinite(thresholds)) &&
    !(
      Array.isArray(thresholds) &&
      thresholds.length === (json.labels as unknown[]).length &&
      thresholds.every((value) => typeof value === 'number' && Number.isFinite(value))
    )
  )
    fail('thresholds', 'a number or one number per label');
  if (
    !isRecord(json.hashes) ||
    typeof json.hashes.config !== 'string' ||
    typeof json.hashes.data !== 'string'
  )
    fail('hashes', 'an object { config, data } of SHA-256 hex strings');
  if (json.kind === 'ensemble') {
    const ensemble = json.ensemble;
    if (
      !isRecord(ensemble) ||
      !Array.isArray(ensemble.members) ||
      ensemble.members.length !== 2 ||
      ensemble.members.some((member) => typeof member !== 'string' || member.length === 0) ||
      typeof ensemble.lambda !== 'number' ||
      typeof ensemble.threshold !== 'number'
    )
      fail('ensemble', 'an object { members: [folder, folder], lambda, threshold }');
  }
  return json as unknown as PipelineMetadata;
}
