import { computeAlphabet } from './compute-alphabet.js';
import { MergeQueue } from './merge-queue.js';

/** Settings of {@link learnWordPieceVocabulary}; all already validated by the caller. */
export interface LearnWordPieceOptions {
  vocabSize: number;
  minFrequency: number;
  specialTokens: readonly string[];
  limitAlphabet: number | undefined;
  initialAlphabet: readonly string[];
  continuingSubwordPrefix: string;
  /**
   * Continuation tokens (`##e`, `##s`, …) to number first, in this order; the others follow in
   * code-point order. HF numbers them in `HashMap` iteration order (different on every run); passing
   * HF's order reproduces its merges token for token.
   */
  continuationOrder?: readonly string[];
}

// Pair keys pack two ids into one exact double: left * 2^26 + right.
const pairKeyScale = 2 ** 26;

/**
 * Learns a WordPiece vocabulary from word counts with the algorithm of HuggingFace tokenizers'
 * `WordPieceTrainer`, which is its BPE trainer (`tokenizers/src/models/bpe/trainer.rs`, `do_train`)
 * run with `continuing_subword_prefix = "##"`:
 *
 * 1. special tokens, in the given order; 2. the alphabet ({@link computeAlphabet}), in code-point order;
 * 3. each word split into characters, every non-initial one prefixed (`##e`), characters outside the
 * alphabet dropped; 4. repeatedly merge the adjacent pair with the highest count (sum of the counts of
 * the words it occurs in, per occurrence), ties to the smaller `(leftId, rightId)`; the new token is
 * `left + right` without the right part's prefix; stop at `vocabSize` tokens, when no pair is left, or
 * when the best count is below `minFrequency`.
 *
 * The queue is HF's lazy heap, reproduced entry for entry: a stale entry is re-queued with its current
 * count; an entry only merges the words recorded in it; new pairs are queued with the words where they
 * appeared. That is what makes the merge order, and hence the vocabulary, equal to HF's.
 *
 * @returns the tokens in id order (may exceed `vocabSize` when specials + alphabet alone do).
 * @internal The public entry point is `WordPieceTrainer`.
 */
export function learnWordPieceVocabulary(
  wordCounts: ReadonlyMap<string, number>,
  options: LearnWordPieceOptions,
): string[] {
  const prefix = options.continuingSubwordPrefix;
  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const addToken = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      ids.set(token, id);
    }
    return id;
  };

  // 1 and 2: special tokens, then the alphabet.
  for (const token of options.specialTokens) addToken(token);
  for (const character of computeAlphabet(wordCounts, options.initialAlphabet, options.limitAlphabet)) {
    addToken(character);
  }

  // 3a: the continuation tokens, given order first, then code-point order.
  const continuationCharacters = new Set<string>();
  let symbolTotal = 0;
  for (const word of wordCounts.keys()) {
    let isFirst = true;
    for (const character of word) {
      if (!isFirst && ids.has(character)) continuationCharacters.add(character);
      isFirst = false;
      symbolTotal++;
    }
  }
  for (const token of options.continuationOrder ?? []) {
    if (token.startsWith(prefix) && continuationCharacters.has(token.slice(prefix.length))) addToken(token);
  }
  const sortedContinuations = [...continuationCharacters].sort(
    (a, b) => a.codePointAt(0)! - b.codePointAt(0)!,
  );
  for (const character of sortedContinuations) addToken(prefix + character);

  // 3b: words as id sequences in one flat array; a word shrinks in place as pairs merge.
  const wordTotal = wordCounts.size;
  const symbols = new Int32Array(symbolTotal);
  const wordStart = new Int32Array(wordTotal);
  const wordLength = new Int32Array(wordTotal);
  const wordCount = new Float64Array(wordTotal);
  let cursor = 0;
  let wordIndex = 0;
  for (const [word, count] of wordCounts) {
    wordStart[wordIndex] = cursor;
    wordCount[wordIndex] = count;
    let isFirst = true;
    for (const character of word) {
      if (ids.has(character)) symbols[cursor++] = ids.get(isFirst ? character : prefix + character)!;
      isFirst = false;
    }
    wordLength[wordIndex] = cursor - wordStart[wordIndex]!;
    wordIndex++;
  }

  // 4: pair statistics. Pair p has ids (pairLeft[p], pairRight[p]) and count pairCount[p].
  const pairIndexByKey = new Map<number, number>();
  let pairLeft = new Int32Array(1024);
  let pairRight = new Int32Array(1024);
  let pairCount = new Float64Array(1024);
  let pairTotal = 0;
  const pairIndex = (left: number, right: number): number => {
    const key = left * pairKeyScale + right;
    let index = pairIndexByKey.get(key);
    if (index === undefined) {
      if (pairTotal === pairCount.length) {
        pairLeft = grownInt32(pairLeft);
        pairRight = grownInt32(pairRight);
        const counts = new Float64Array(pairCount.length * 2);
        counts.set(pairCount);
        pairCount = counts;
      }
      index = pairTotal++;
      pairIndexByKey.set(key, index);
      pairLeft[index] = left;
      pairRight[index] = right;
    }
    return index;
  };

  const initialPositions: number[][] = [];
  for (let word = 0; word < wordTotal; word++) {
    const start = wordStart[word]!;
    const end = start + wordLength[word]!;
    for (let position = start; position + 1 < end; position++) {
      const pair = pairIndex(symbols[position]!, symbols[position + 1]!);
      pairCount[pair] = pairCount[pair]! + wordCount[word]!;
      const list = (initialPositions[pair] ??= []);
      if (list[list.length - 1] !== word) list.push(word);
    }
  }
  const queue = new MergeQueue();
  for (let pair = 0; pair < pairTotal; pair++) {
    if (pairCount[pair]! > 0) {
      queue.push(
        pairCount[pair]!,
        pair,
        pairLeft[pair]!,
        pairRight[pair]!,
        Int32Array.from(initialPositions[pair]!),
      );
    }
  }
  initialPositions.length = 0;

  // 5: merges.
  const updated = new Map<number, number[]>();
  const recordChange = (left: number, right: number, change: number, word: number): void => {
    const pair = pairIndex(left, right);
    pairCount[pair] = pairCount[pair]! + change * wordCount[word]!;
    if (change > 0) {
      let list = updated.get(pair);
      if (list === undefined) updated.set(pair, (list = []));
      if (list[list.length - 1] !== word) list.push(word);
    }
  };
  while (tokens.length < options.vocabSize && queue.size > 0) {
    const pair = queue.topPair();
    const current = pairCount[pair]!;
    if (queue.topCount() !== current) {
      const positions = queue.topPositions();
      queue.pop();
      queue.push(current, pair, pairLeft[pair]!, pairRight[pair]!, positions);
      continue;
    }
    if (current < 1 || options.minFrequency > current) break;
    const left = pairLeft[pair]!;
    const right = pairRight[pair]!;
    const rightPart = tokens[right]!;
    const newId = addToken(
      tokens[left]! + (rightPart.startsWith(prefix) ? rightPart.slice(prefix.length) : rightPart),
    );
    if (newId >= pairKeyScale) throw new RangeError(`WordPiece training exceeded ${pairKeyScale} tokens`);
    const positions = queue.topPositions();
    queue.pop();
    for (let index = 0; index < positions.length; index++) {
      const word = positions[index]!;
      wordLength[word] = mergeInWord(
        symbols,
        word,
        wordStart[word]!,
        wordLength[word]!,
        left,
        right,
        newId,
        recordChange,
      );
    }
    for (const [updatedPair, words] of updated) {
      if (pairCount[updatedPair]! > 0) {
        queue.push(
          pairCount[updatedPair]!,
          updatedPair,
          pairLeft[updatedPair]!,
          pairRight[updatedPair]!,
          Int32Array.from(words),
        );
      }
    }
    updated.clear();
  }
  return tokens;
}

/**
 * Replaces every non-overlapping `left right` (scanning left to right) in one word by `merged` and
 * reports the pair-count changes, in the order and with the signs of HF's `Word::merge`
 * (`tokenizers/src/models/bpe/word.rs`): the merged pair itself is not decremented.
 *
 * @returns the new word length.
 */
function mergeInWord(
  symbols: Int32Array,
  word: number,
  start: number,
  length: number,
  left: number,
  right: number,
  merged: number,
  change: (left: number, right: number, delta: number, word: number) => void,
): number {
  let end = start + length;
  for (let position = start; position + 1 < end; position++) {
    if (symbols[position] !== left || symbols[position + 1] !== right) continue;
    if (position > start) {
      const previous = symbols[position - 1]!;
      change(previous, left, -1, word);
      change(previous, merged, 1, word);
    }
    symbols[position] = merged;
    symbols.copyWithin(position + 1, position + 2, end);
    end--;
    if (position + 1 < end) {
      const next = symbols[position + 1]!;
      change(right, next, -1, word);
      change(merged, next, 1, word);
    }
  }
  return end - start;
}

function grownInt32(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}
