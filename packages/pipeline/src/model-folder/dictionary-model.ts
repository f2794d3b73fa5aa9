import { invalidArgument } from '@icd/core';
import { DictionaryCoder, type DictionaryCoderOptions, type TermEntry } from '@icd/keybert';

/**
 * `dictionary.json`: a {@link DictionaryCoder} as data (its terms, priors and weights), since the
 * coder itself keeps only a compiled matcher.
 */
export interface DictionaryModelJson {
  readonly format: 'icd-dictionary-coder';
  readonly version: 1;
  readonly terms: readonly TermEntry[];
  readonly priors?: Readonly<Record<string, number>>;
  readonly priorWeight?: number;
  readonly negatedWeight?: number;
  readonly uncertainWeight?: number;
  readonly threshold?: number;
  readonly includeUnmatched?: boolean;
  readonly overlap?: 'longest' | 'all';
  readonly labels?: readonly string[];
}

const specs = new WeakMap<DictionaryCoder, DictionaryModelJson>();

/**
 * A {@link DictionaryCoder} that a model folder can save: built from plain data and remembered, so
 * that `saveModelFolder` can write `dictionary.json`.
 *
 * @example
 * ```ts
 * const coder = dictionaryCoder({ terms: [{ code: 'I48.91', term: 'atrial fibrillation' }], threshold: 0.3 });
 * await saveModelFolder(dir, coder, info);
 * ```
 */
export function dictionaryCoder(
  options: Omit<DictionaryCoderOptions, 'terms' | 'priors'> & {
    readonly terms: readonly TermEntry[];
    readonly priors?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  },
): DictionaryCoder {
  if (!Array.isArray(options?.terms))
    invalidArgument('dictionaryCoder', 'terms', 'an array of TermEntry', options?.terms);
  const priors =
    options.priors instanceof Map
      ? Object.fromEntries(options.priors)
      : (options.priors as Readonly<Record<string, number>> | undefined);
  const json: DictionaryModelJson = {
    format: 'icd-dictionary-coder',
    version: 1,
    ...options,
    terms: options.terms.map((term) => ({ ...term })),
    ...(priors ? { priors } : {}),
  };
  return dictionaryCoderFromJson(json);
}

/** Rebuilds the coder of `dictionary.json`. */
export function dictionaryCoderFromJson(json: DictionaryModelJson): DictionaryCoder {
  const { format: _format, version: _version, priors, ...rest } = json;
  const coder = new DictionaryCoder({
    ...rest,
    ...(priors ? { priors: new Map(Object.entries(priors)) } : {}),
  });
  specs.set(coder, json);
  return coder;
}

/** The `dictionary.json` of a coder made by {@link dictionaryCoder}, or `undefined`. */
export function dictionaryModelJson(coder: DictionaryCoder): DictionaryModelJson | undefined {
  return specs.get(coder);
}
