import { assertInteger, invalidArgument } from '@icd/core';
import { SeededRandom } from '../random/seeded-random.js';

/** Options of {@link multiLabelFewShotSample}. */
export interface MultiLabelFewShotSampleOptions<T> {
  /** The positives each code should have in the sample (all of a code's items when it has fewer). */
  readonly n: number;
  /** Seed of the one ordering of the items; keep it fixed across n to get nested samples. */
  readonly seed: number;
  /** The codes of an item (a note's `codes`); duplicates are counted once. */
  readonly labels: (item: T) => readonly string[];
  /**
   * The codes that must reach n positives (e.g. the 50 most frequent train codes). Default: every code
   * that occurs. Other codes of a chosen item ride along and are not counted.
   */
  readonly classes?: readonly string[];
}

/** A multi-label few-shot sample: the items, their indices, positives per code, and the codes short of n. */
export interface MultiLabelFewShotSampleResult<T> {
  readonly items: T[];
  /** Indices into the input, ascending. */
  readonly indices: number[];
  /** Positive items per code (of `classes`) in the sample. */
  readonly counts: Readonly<Record<string, number>>;
  /** Codes with fewer than n positive items in the whole input (all of them were taken). */
  readonly short: readonly string[];
}

/**
 * Nested few-shot sampling for MULTI-LABEL items, where "n examples per class" means a sample in which
 * every code has at least n positive items (the few-shot protocol of the MDR-BERT study on notes that
 * carry several codes). The items get one seeded ordering; the sample for n is built level by level,
 * k = 1..n: at level k each code still under k positives (rarest code first, ties by name) takes the next
 * item of the ordering that carries it, and each item taken counts for all of its codes. The sample for n
 * is therefore exactly the sample for n − 1 plus the items of level n, so with one seed the samples are
 * nested; a code with fewer than n positive items contributes all of them and is listed in `short`.
 * (`fewShotSample` is the single-label twin.)
 *
 * @example
 * ```ts
 * const four = multiLabelFewShotSample(notes, { n: 4, seed: 7, labels: (note) => note.codes, classes: top50 });
 * const eight = multiLabelFewShotSample(notes, { n: 8, seed: 7, labels: (note) => note.codes, classes: top50 });
 * four.indices.every((index) => eight.indices.includes(index)); // true
 * Object.values(four.counts).every((count) => count >= 4); // true unless a code is in four.short
 * ```
 */
export function multiLabelFewShotSample<T>(
  items: readonly T[],
  options: MultiLabelFewShotSampleOptions<T>,
): MultiLabelFewShotSampleResult<T> {
  const fn = 'multiLabelFewShotSample';
  if (!Array.isArray(items)) invalidArgument(fn, 'items', 'an array', items);
  if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
  assertInteger(fn, 'n', options.n, { min: 0 });
  assertInteger(fn, 'seed', options.seed);
  if (typeof options.labels !== 'function') invalidArgument(fn, 'labels', 'a function', options.labels);
  const itemLabels = items.map((item) => {
    const labels = options.labels(item);
    if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string'))
      invalidArgument(fn, 'labels', 'a function returning an array of strings', labels);
    return new Set(labels);
  });
  let classes: string[];
  if (options.classes === undefined) {
    classes = [...new Set(itemLabels.flatMap((labels) => [...labels]))];
  } else {
    if (!Array.isArray(options.classes) || options.classes.some((code) => typeof code !== 'string'))
      invalidArgument(fn, 'classes', 'an array of strings', options.classes);
    if (new Set(options.classes).size !== options.classes.length)
      invalidArgument(fn, 'classes', 'distinct codes', options.classes);
    classes = [...options.classes];
  }
  const available = new Map(classes.map((code) => [code, 0]));
  for (const labels of itemLabels)
    for (const label of labels) if (available.has(label)) available.set(label, available.get(label)! + 1);
  // Rarest first: an item taken for a rare code often also counts for a frequent one.
  classes.sort((a, b) => available.get(a)! - available.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const order = new SeededRandom(options.seed).shuffle(Array.from({ length: items.length }, (_, i) => i));
  const chosen = new Uint8Array(items.length);
  const counts = new Map(classes.map((code) => [code, 0]));
  const cursor = new Map(classes.map((code) => [code, 0]));
  const indices: number[] = [];
  for (let level = 1; level <= options.n; level++) {
    for (const code of classes) {
      let position = cursor.get(code)!;
      while (counts.get(code)! < level && position < order.length) {
        const index = order[position++]!;
        if (chosen[index] === 1 || !itemLabels[index]!.has(code)) continue;
        chosen[index] = 1;
        indices.push(index);
        for (const label of itemLabels[index]!)
          if (counts.has(label)) counts.set(label, counts.get(label)! + 1);
      }
      cursor.set(code, position);
    }
  }
  indices.sort((a, b) => a - b);
  const short = classes.filter((code) => available.get(code)! < options.n).sort();
  return {
    items: indices.map((index) => items[index]!),
    indices,
    counts: Object.fromEntries([...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    short,
  };
}
