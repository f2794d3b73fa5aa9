import { resolve } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { generateCardiologyCorpus, MDR_BERT_CODES, SeededRandom, stratifiedSplit } from '@icd/data';
import { loadCodiesp, loadJsonl } from '@icd/data/node';
import type { IcdConfig } from '../cli/config.js';

/** The notes of a run, split, with the label space and whether a note has one code or several. */
export interface Dataset {
  readonly name: string;
  readonly train: readonly ClinicalNote[];
  /** Carved from the training data: thresholds, early stopping, λ and the search objective use it. */
  readonly validation: readonly ClinicalNote[];
  /** Held out: scored by `icd eval` only. */
  readonly test: readonly ClinicalNote[];
  readonly classes: readonly string[];
  readonly multiLabel: boolean;
}

const collect = async (notes: AsyncIterable<ClinicalNote>) => {
  const out: ClinicalNote[] = [];
  for await (const note of notes) out.push(note);
  return out;
};

/** A seeded random share of `notes` as validation, the rest as train. */
function carve(notes: readonly ClinicalNote[], share: number, seed: number) {
  const random = new SeededRandom(seed);
  const order = notes.map((_, index) => index);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = Math.max(1, Math.round(notes.length * share));
  return {
    validation: order.slice(0, cut).map((index) => notes[index]!),
    train: order.slice(cut).map((index) => notes[index]!),
  };
}

/** The `topCodes` most frequent codes of `notes` (ties by code). */
export function frequentCodes(notes: readonly ClinicalNote[], topCodes: number): string[] {
  const counts = new Map<string, number>();
  for (const note of notes)
    for (const code of new Set(note.codes)) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, topCodes)
    .map(([code]) => code);
}

/**
 * The dataset of a config's `data` section:
 * - `synthetic`: the seeded synthetic cardiology corpus of `@icd/data` (13 MDR-BERT codes, one per
 *   note), split 3:1:1 stratified by code;
 * - `codiesp`: CodiEsp-D (`dir`, `language`), train split → train + a validation share carved from it,
 *   dev split → test; the label space is the `topCodes` most frequent training codes (default 50);
 * - `jsonl`: `train` (+ `validation`, else carved; + `test`) JSONL files of `{ id, text, codes }`.
 *
 * @example
 * ```ts
 * const dataset = await loadDataset({ data: { source: 'synthetic', size: 600 }, seed: 13 });
 * ```
 */
export async function loadDataset(config: IcdConfig, baseDir = process.cwd()): Promise<Dataset> {
  const data = config.data ?? { source: 'synthetic' as const };
  const seed = config.seed ?? 13;
  const share = data.validationShare ?? 0.2;
  if (data.source === 'synthetic') {
    const corpus = generateCardiologyCorpus({
      size: data.size ?? 1500,
      seed,
      labelNoise: data.labelNoise ?? 0.05,
    });
    const { parts } = stratifiedSplit(corpus, {
      seed,
      label: (note: ClinicalNote) => note.codes[0]!,
      ratios: { train: 3, validation: 1, test: 1 },
    });
    return {
      name: 'synthetic-cardiology',
      train: parts.train!,
      validation: parts.validation!,
      test: parts.test!,
      classes: MDR_BERT_CODES.map((entry) => entry.code),
      multiLabel: false,
    };
  }
  if (data.source === 'codiesp') {
    if (!data.dir)
      throw new DataFormatError({
        message: 'data.dir: the CodiEsp folder is required for data.source codiesp',
      });
    const dir = resolve(baseDir, data.dir);
    const language = data.language ?? 'en';
    const all = await collect(loadCodiesp(dir, { split: 'train', track: 'D', language }));
    const dev = await collect(loadCodiesp(dir, { split: 'dev', track: 'D', language }));
    const { train, validation } = carve(all, share, seed);
    const classes = frequentCodes(train, data.topCodes ?? 50);
    return { name: `codiesp-d-${language}`, train, validation, test: dev, classes, multiLabel: true };
  }
  if (!data.train)
    throw new DataFormatError({ message: 'data.train: a JSONL file is required for data.source jsonl' });
  const read = async (file: string) => collect(loadJsonl(resolve(baseDir, file)));
  const all = await read(data.train);
  const split = data.validation
    ? { train: all, validation: await read(data.validation) }
    : carve(all, share, seed);
  const test = data.test ? await read(data.test) : [];
  const classes = frequentCodes(split.train, data.topCodes ?? Number.MAX_SAFE_INTEGER).sort();
  const multiLabel = all.some((note) => note.codes.length !== 1);
  return { name: 'jsonl', ...split, test, classes, multiLabel };
}
