/**
 * Multinomial naive Bayes with Laplace smoothing over lower-cased word counts (Manning, Raghavan &
 * Schütze 2008, §13.2) — the bag-of-words baseline of the synthetic corpus (the same model as
 * packages/data/test/naive-bayes.ts), here returning class posteriors so that macro-AUC can be computed
 * (`icd eval` and the prompt bench both report it).
 *
 * @example
 * ```ts
 * const [posterior] = naiveBayesPosteriors([{ text: 'af on apixaban', label: 'I48' }], ['I48'], ['af']); // Float64Array [1]
 * ```
 */
const tokens = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

export function naiveBayesPosteriors(
  train: readonly { text: string; label: string }[],
  classes: readonly string[],
  texts: readonly string[],
): Float64Array[] {
  const vocabulary = new Set<string>();
  const stats = classes.map(() => ({ documents: 0, total: 0, counts: new Map<string, number>() }));
  const index = new Map(classes.map((code, i) => [code, i]));
  for (const note of train) {
    const entry = stats[index.get(note.label)!]!;
    entry.documents++;
    for (const token of tokens(note.text)) {
      vocabulary.add(token);
      entry.total++;
      entry.counts.set(token, (entry.counts.get(token) ?? 0) + 1);
    }
  }
  return texts.map((text) => {
    const words = tokens(text);
    const logs = stats.map((entry) => {
      if (entry.documents === 0) return Number.NEGATIVE_INFINITY;
      let score = Math.log(entry.documents / train.length);
      for (const token of words)
        if (vocabulary.has(token))
          score += Math.log(((entry.counts.get(token) ?? 0) + 1) / (entry.total + vocabulary.size));
      return score;
    });
    const top = Math.max(...logs);
    const exps = logs.map((value) => Math.exp(value - top));
    const sum = exps.reduce((a, b) => a + b, 0);
    return Float64Array.from(exps, (value) => value / sum);
  });
}
