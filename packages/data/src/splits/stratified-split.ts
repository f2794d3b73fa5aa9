import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import { SeededRandom } from '../random/seeded-random.js';
import { iterativeStratification } from './iterative-stratification.js';
import { buildSplitReport, type SplitReport } from './split-report.js';

/** Options of {@link stratifiedSplit}. */
export interface StratifiedSplitOptions<T> {
  /** Seed of the shuffle; the same seed and input give the same split. */
  readonly seed: number;
  /** The label of an item (single-label) or its labels (multi-label: iterative stratification). */
  readonly label: (item: T) => string | readonly string[];
  /** Part names and their relative sizes, in order. Default `{ train: 3, validation: 1, test: 1 }` (the MDR-BERT study's 3:1:1). */
  readonly ratios?: Readonly<Record<string, number>>;
}

/** The parts of a split, by name, and the label proportions of each. */
export interface StratifiedSplitResult<T> {
  readonly parts: Readonly<Record<string, T[]>>;
  readonly report: SplitReport;
}

/**
 * Seeded stratified split into parts of any ratio. Single-label items: each label's items are shuffled
 * and cut by the largest-remainder method (Hamilton), so every part gets ⌊n_c·r_k⌋ or ⌈n_c·r_k⌉ items of
 * label c. Multi-label items (the label function returns an array): iterative stratification of Sechidis,
 * Tsoumakas & Vlahavas (ECML PKDD 2011), which fills the rarest labels first. The report gives each
 * label's count and proportion per part.
 *
 * @example
 * ```ts
 * const { parts, report } = stratifiedSplit(notes, { seed: 42, label: (note) => note.codes[0]! });
 * parts.train.length; // ≈ 60% of the notes, every code at ≈ its overall share
 * ```
 */
export function stratifiedSplit<T>(
  items: readonly T[],
  options: StratifiedSplitOptions<T>,
): StratifiedSplitResult<T> {
  if (!Array.isArray(items)) invalidArgument('stratifiedSplit', 'items', 'an array', items);
  assertInteger('stratifiedSplit', 'seed', options?.seed);
  if (typeof options.label !== 'function')
    invalidArgument('stratifiedSplit', 'label', 'a function', options.label);
  const ratios = options.ratios ?? { train: 3, validation: 1, test: 1 };
  const names = Object.keys(ratios);
  if (names.length === 0) invalidArgument('stratifiedSplit', 'ratios', 'at least one part', ratios);
  for (const name of names) assertFiniteNumber('stratifiedSplit', `ratios.${name}`, ratios[name], { min: 0 });
  const sum = names.reduce((total, name) => total + ratios[name]!, 0);
  if (!(sum > 0)) invalidArgument('stratifiedSplit', 'ratios', 'ratios with a positive sum', ratios);
  const shares = names.map((name) => ratios[name]! / sum);
  const random = new SeededRandom(options.seed);
  const raw = items.map(options.label);
  const multiLabel = raw.some((value) => Array.isArray(value));
  const labelsOf = raw.map((value, index) => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((label) => typeof label === 'string'))
      return value as readonly string[];
    return invalidArgument(
      'stratifiedSplit',
      'label',
      'a function returning a string or a string array',
      `item ${index}: ${String(value)}`,
    );
  });
  const partOf = multiLabel
    ? iterativeStratification(labelsOf, shares, random)
    : singleLabel(labelsOf, shares, random);
  const parts: Record<string, T[]> = {};
  for (const name of names) parts[name] = [];
  items.forEach((item, index) => {
    parts[names[partOf[index]!]!]!.push(item);
  });
  return { parts, report: buildSplitReport(names, shares, labelsOf, partOf) };
}

/** Largest-remainder apportionment of `count` items over `shares`; ties go to the earlier part. */
export function apportion(count: number, shares: readonly number[]): number[] {
  const exact = shares.map((share) => count * share);
  const sizes = exact.map(Math.floor);
  let left = count - sizes.reduce((total, size) => total + size, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  order.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (let rank = 0; left > 0; rank++, left--) sizes[order[rank % order.length]!.index]!++;
  return sizes;
}

function singleLabel(
  labelsOf: readonly (readonly string[])[],
  shares: readonly number[],
  random: SeededRandom,
): Int32Array {
  const groups = new Map<string, number[]>();
  labelsOf.forEach((labels, index) => {
    const group = groups.get(labels[0]!) ?? [];
    groups.set(labels[0]!, group);
    group.push(index);
  });
  const partOf = new Int32Array(labelsOf.length);
  // Labels in sorted order so that the random stream, hence the split, does not depend on input order of labels.
  for (const label of [...groups.keys()].sort()) {
    const members = random.shuffle(groups.get(label)!);
    let cursor = 0;
    apportion(members.length, shares).forEach((size, part) => {
      for (let taken = 0; taken < size; taken++) partOf[members[cursor++]!] = part;
    });
  }
  return partOf;
}
