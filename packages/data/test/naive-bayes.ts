/**
 * Multinomial naive Bayes with Laplace smoothing over lower-cased word counts (Manning, Raghavan &
 * Schütze 2008, §13.2): the bag-of-words baseline of the synthetic corpus. Returns held-out accuracy.
 */
export function naiveBayesAccuracy(
  train: readonly { text: string; codes: readonly string[] }[],
  test: readonly { text: string; codes: readonly string[] }[],
): number {
  const tokens = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const vocabulary = new Set<string>();
  const classes = new Map<string, { documents: number; total: number; counts: Map<string, number> }>();
  for (const note of train) {
    const entry = classes.get(note.codes[0]!) ?? {
      documents: 0,
      total: 0,
      counts: new Map<string, number>(),
    };
    classes.set(note.codes[0]!, entry);
    entry.documents++;
    for (const token of tokens(note.text)) {
      vocabulary.add(token);
      entry.total++;
      entry.counts.set(token, (entry.counts.get(token) ?? 0) + 1);
    }
  }
  let correct = 0;
  for (const note of test) {
    let best = '';
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const [code, entry] of classes) {
      let score = Math.log(entry.documents / train.length);
      for (const token of tokens(note.text)) {
        if (vocabulary.has(token))
          score += Math.log(((entry.counts.get(token) ?? 0) + 1) / (entry.total + vocabulary.size));
      }
      if (score > bestScore) [best, bestScore] = [code, score];
    }
    if (best === note.codes[0]) correct++;
  }
  return correct / test.length;
}
