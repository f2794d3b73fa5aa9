/**
 * The two tasks of the prompt benchmark, each with a validation split carved from train (never the
 * held-out split): (a) the MDR-BERT study's 13 cardiovascular codes, single-label, on the synthetic
 * cardiology corpus of @icd/data (held-out: a test split of that corpus); (b) CodiEsp-D, the 50 most
 * frequent train codes, multi-label, English (held-out: the official dev split).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { generateCardiologyCorpus, MDR_BERT_CODES, stratifiedSplit } from '@icd/data';
import { loadCodiesp, loadIcd10CmTable } from '@icd/data/node';

export interface BenchTask {
  readonly name: string;
  readonly multiLabel: boolean;
  readonly classes: readonly string[];
  readonly labelWords: Record<string, string[]>;
  readonly train: readonly ClinicalNote[];
  readonly validation: readonly ClinicalNote[];
  /** The split scored once per system: synthetic test, or CodiEsp dev. */
  readonly heldOut: readonly ClinicalNote[];
  readonly heldOutName: string;
  readonly window: number;
  readonly description: string;
}

export const indicatorRow = (task: BenchTask, note: ClinicalNote) =>
  task.classes.map((code) => (note.codes.includes(code) ? 1 : 0));

export function syntheticTask(seed: number): BenchTask {
  const words = [20, 60] as const;
  const corpus = generateCardiologyCorpus({ size: 360, seed, words });
  const label = (note: ClinicalNote) => note.codes[0]!;
  const outer = stratifiedSplit(corpus, { seed, label, ratios: { train: 2, test: 1 } });
  const inner = stratifiedSplit(outer.parts.train!, {
    seed: seed + 1,
    label,
    ratios: { train: 4, validation: 1 },
  });
  const [train, validation, heldOut] = [inner.parts.train!, inner.parts.validation!, outer.parts.test!];
  return {
    name: 'synthetic cardiology (13 codes, single-label)',
    multiLabel: false,
    classes: MDR_BERT_CODES.map((code) => code.code),
    labelWords: Object.fromEntries(MDR_BERT_CODES.map((code) => [code.code, [code.name.toLowerCase()]])),
    train,
    validation,
    heldOut,
    heldOutName: 'test',
    window: 96,
    description:
      `Synthetic cardiology notes (\`generateCardiologyCorpus\`, 360 notes, seed ${seed}, ${words[0]}–${words[1]} words, default overlap, atypical ` +
      `presentations and explicit-diagnosis rate), the study's 13 codes, one per note, long-tailed. \`stratifiedSplit\` (seed ${seed}) ` +
      `cuts ${heldOut.length} test notes; a second one (seed ${seed + 1}) carves ${validation.length} validation notes from the rest, ` +
      `leaving ${train.length} train notes. Window 96 tokens (tail truncation of the note only).`,
  };
}

export async function codiespTask(sharedDir: string, seed: number): Promise<BenchTask | undefined> {
  const dir = join(sharedDir, 'data', 'codiesp');
  if (!existsSync(dir)) return undefined;
  const read = async (split: 'train' | 'dev') => {
    const notes: ClinicalNote[] = [];
    for await (const note of loadCodiesp(dir, { split, track: 'D', language: 'en' })) notes.push(note);
    return notes;
  };
  const [all, dev] = [await read('train'), await read('dev')];
  const counts = new Map<string, number>();
  for (const note of all)
    for (const code of new Set(note.codes)) counts.set(code, (counts.get(code) ?? 0) + 1);
  const classes = [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, 50)
    .map(([code]) => code);
  const { parts } = stratifiedSplit(all, {
    seed,
    label: (note) => note.codes.filter((code) => classes.includes(code)),
    ratios: { train: 4, validation: 1 },
  });
  // Label words: each code's ICD-10-CM long description, or its category's when the code is not in
  // the 2021 tabular list (CodiEsp uses the Spanish CIE-10-ES edition).
  const table = await loadIcd10CmTable({ directory: join(sharedDir, 'data', 'icd10cm') });
  const describe = (code: string) =>
    table.get(code)?.longDescription ?? table.get(code.split('.')[0]!)?.longDescription ?? code;
  const labelWords = Object.fromEntries(classes.map((code) => [code, [describe(code).toLowerCase()]]));
  return {
    name: 'CodiEsp-D top-50 (English, multi-label)',
    multiLabel: true,
    classes,
    labelWords,
    train: parts.train!,
    validation: parts.validation!,
    heldOut: dev,
    heldOutName: 'dev',
    window: 128,
    description:
      `CodiEsp-D English (machine-translated CodiEsp, track D): the 50 most frequent codes of the ${all.length} train notes, multi-label. ` +
      `Iterative stratification (\`stratifiedSplit\`, seed ${seed}) carves ${parts.validation!.length} validation notes from train, leaving ${parts.train!.length}; ` +
      `every system is scored once on the ${dev.length} official dev notes (never used for any choice). Window 128 tokens (tail truncation: most of each note is cut, to fit the 2-core budget).`,
  };
}
