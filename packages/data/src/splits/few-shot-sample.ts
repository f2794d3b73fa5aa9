import { assertInteger, invalidArgument } from '@icd/core';
import { SeededRandom } from '../random/seeded-random.js';

/** Options of {@link fewShotSample}. */
export interface FewShotSampleOptions<T> {
  /** Examples in total, or per class when `perClass` is true. */
  readonly n: number;
  /** Seed of the ordering; keep it fixed across n to get nested samples. */
  readonly seed: number;
  /** The class of an item (for multi-label notes, e.g. its first code). */
  readonly label: (item: T) => string;
  /** Take `n` of every class (all of a class that has fewer). Default `false`: `n` in total, stratified. */
  readonly perClass?: boolean;
}

/** A few-shot sample: the items, their indices in the input, and how many of each class were taken. */
export interface FewShotSampleResult<T> {
  readonly items: T[];
  readonly indices: number[];
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Seeded few-shot sampling whose samples are NESTED: with the same seed, the 100-example sample contains
 * the 50-example sample, so a learning curve from 1 to 4,000 examples (the MDR-BERT few-shot study)
 * adds examples instead of redrawing them. Every item gets a fixed rank from one seeded ordering and a
 * sample is a prefix of it. In total mode the ordering is systematic over classes (item k of a class of
 * size m is keyed (k + u)/m, u uniform), so every prefix keeps the class proportions to within one item
 * per class; in per-class mode each class is shuffled and its first n are taken.
 *
 * @example
 * ```ts
 * const small = fewShotSample(notes, { n: 50, seed: 7, label: (note) => note.codes[0]! });
 * const large = fewShotSample(notes, { n: 100, seed: 7, label: (note) => note.codes[0]! });
 * small.indices.every((index) => large.indices.includes(index)); // true
 * ```
 */
export function fewShotSample<T>(
  items: readonly T[],
  options: FewShotSampleOptions<T>,
): FewShotSampleResult<T> {
  if (!Array.isArray(items)) invalidArgument('fewShotSample', 'items', 'an array', items);
  assertInteger('fewShotSample', 'n', options?.n, { min: 0 });
  assertInteger('fewShotSample', 'seed', options.seed);
  if (typeof options.label !== 'function')
    invalidArgument('fewShotSample', 'label', 'a function', options.label);
  const random = new SeededRandom(options.seed);
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const label = options.label(item);
    if (typeof label !== 'string')
      invalidArgument('fewShotSample', 'label', 'a function returning a string', label);
    const group = groups.get(label) ?? [];
    groups.set(label, group);
    group.push(index);
  });
  const labels = [...groups.keys()].sort();
  const chosen: number[] = [];
  if (options.perClass === true) {
    for (const label of labels) chosen.push(...random.shuffle(groups.get(label)!).slice(0, options.n));
  } else {
    const keyed: { index: number; key: number }[] = [];
    for (const label of labels) {
      const members = random.shuffle(groups.get(label)!);
      members.forEach((index, rank) => {
        keyed.push({ index, key: (rank + random.next()) / members.length });
      });
    }
    keyed.sort((a, b) => a.key - b.key || a.index - b.index);
    chosen.push(...keyed.slice(0, options.n).map((entry) => entry.index));
  }
  chosen.sort((a, b) => a - b);
  const counts: Record<string, number> = {};
  for (const index of chosen) {
    const label = options.label(items[index]!);
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return { items: chosen.map((index) => items[index]!), indices: chosen, counts };
}
