/**
 * The initial alphabet of a WordPiece / BPE training run: every character (Unicode code point) of the
 * counted words, plus the user's `initialAlphabet`, cut to the `limitAlphabet` most frequent ones.
 *
 * Same rule as HuggingFace tokenizers' `BpeTrainer::compute_alphabet`
 * (`tokenizers/src/models/bpe/trainer.rs`): a character's frequency is the sum of the counts of the
 * words it occurs in (once per occurrence); characters of `initialAlphabet` get an infinite frequency so
 * they survive the cut; when there are more than `limitAlphabet` characters, the least frequent are
 * dropped; the kept characters are returned in code-point order.
 *
 * One deliberate difference: HF drops characters with `sort_unstable_by_key(count)` over a `HashMap`,
 * so which of several EQUALLY frequent characters at the cut survive changes from run to run. Here ties
 * are broken by code point (the smaller code point is kept), so the result is deterministic.
 *
 * @internal Used by {@link learnWordPieceVocabulary}.
 */
export function computeAlphabet(
  wordCounts: ReadonlyMap<string, number>,
  initialAlphabet: readonly string[],
  limitAlphabet: number | undefined,
): string[] {
  const frequencies = new Map<number, number>();
  for (const [word, count] of wordCounts) {
    for (const character of word) {
      const codePoint = character.codePointAt(0)!;
      frequencies.set(codePoint, (frequencies.get(codePoint) ?? 0) + count);
    }
  }
  for (const character of initialAlphabet) {
    frequencies.set(character.codePointAt(0)!, Number.POSITIVE_INFINITY);
  }
  let kept = [...frequencies.keys()];
  if (limitAlphabet !== undefined && kept.length > limitAlphabet) {
    // Most frequent first; among equals, smaller code point first. Keep the head.
    // Infinity - Infinity is NaN (two initial-alphabet characters): fall back to the code point.
    kept.sort((a, b) => {
      const difference = frequencies.get(b)! - frequencies.get(a)!;
      return Number.isNaN(difference) || difference === 0 ? a - b : difference;
    });
    kept = kept.slice(0, limitAlphabet);
  }
  kept.sort((a, b) => a - b);
  return kept.map((codePoint) => String.fromCodePoint(codePoint));
}
