/**
 * Multinomial naive Bayes with Laplace smoothing over lower-cased word counts (Manning, Raghavan &
 * Schütze 2008, §13.2), returning class posteriors — the bag-of-words baseline of the MDR-BERT study.
 * The same model as `naiveBayesPosteriors` of `@icd/pipeline/node`, written out here because that
 * entry also loads the CLI, the HTTP service and the queue workers (about 1.5 s more start-up).
 *
 * @example
 * ```ts
 * naiveBayesPosteriors([{ text: 'af on apixaban', label: 'I48' }], ['I48', 'I10'], ['af']); // [Float64Array [1, 0]]
 * ```
 */
const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

export function naiveBayesPosteriors(
  train: readonly { readonly text: string; readonly label: string }[],
  classes: readonly string[],
  texts: readonly string[],
): Float64Array[] {
  const vocabulary = new Set<string>();
  const stats = classes.map(() => ({ documents: 0, total: 0, counts: new Map<string, number>() }));
  const index = new Map(classes.map((label, i) => [label, i]));
  for (const note of train) {
    const entry = stats[index.get(note.label)!]!;
    entry.documents++;
    for (const word of words(note.text)) {
      vocabulary.add(word);
      entry.total++;
      entry.counts.set(word, (entry.counts.get(word) ?? 0) + 1);
    }
  }
  return texts.map((text) => {
    const logs = stats.map((entry) => {
      if (entry.documents === 0) return Number.NEGATIVE_INFINITY; // a class never seen: probability 0
      let score = Math.log(entry.documents / train.length);
      for (const word of words(text))
        if (vocabulary.has(word))
          score += Math.log(((entry.counts.get(word) ?? 0) + 1) / (entry.total + vocabulary.size));
      return score;
    });
    const top = Math.max(...logs);
    const exps = logs.map((value) => Math.exp(value - top));
    const sum = exps.reduce((a, b) => a + b, 0);
    return Float64Array.from(exps, (value) => value / sum);
  });
}
