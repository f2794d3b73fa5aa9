import { invalidArgument } from '@icd/core';
import { splitSentences } from '../text/sentences.js';
import { type WordToken, wordTokens } from '../text/word-tokens.js';
import { WordAutomaton } from './aho-corasick.js';
import { NEGATION_CUES, type NegationCue, SCOPE_TERMINATORS } from './negation-cues.js';
import type { TermEntry } from './term-entry.js';

/**
 * One occurrence of a dictionary phrase in a text.
 *
 * @example
 * ```ts
 * const [match] = matcher.match('No evidence of atrial fibrillation.');
 * match; // { start: 15, end: 34, text: 'atrial fibrillation', entries: [...], negated: true, uncertain: false, ... }
 * ```
 */
export interface TermMatch<T extends TermEntry = TermEntry> {
  /** `[start, end)` offsets in the original text. */
  readonly start: number;
  readonly end: number;
  /** `text.slice(start, end)`. */
  readonly text: string;
  /** The normalised phrase (`'atrial fibrillation'`). */
  readonly key: string;
  /** Every entry (code) whose term has this key and fits the case rule. */
  readonly entries: readonly T[];
  /** Index of the first and one past the last word of the match in the text's words. */
  readonly firstWord: number;
  readonly endWord: number;
  /** Index of the sentence (see `splitSentences`) the match starts in. */
  readonly sentence: number;
  /** A negation cue covers the match in its sentence. */
  readonly negated: boolean;
  /** An uncertainty cue covers the match in its sentence. */
  readonly uncertain: boolean;
}

/**
 * Options of {@link TermMatcher}.
 *
 * @example
 * ```ts
 * new TermMatcher(terms, { cues: NEGATION_CUES, maxScopeWords: 5 });
 * ```
 */
export interface TermMatcherOptions {
  /** Negation and uncertainty cues; default {@link NEGATION_CUES} (English and Spanish); `[]` for none. */
  readonly cues?: readonly NegationCue[];
  /** Words a cue's scope may span before it stops (default 8, NegEx's window is 5); always within the sentence. */
  readonly maxScopeWords?: number;
}

/**
 * Options of {@link TermMatcher.match}.
 *
 * @example
 * ```ts
 * matcher.match('paroxysmal atrial fibrillation', { overlap: 'all' }); // the long phrase and the nested one
 * ```
 */
export interface MatchOptions {
  /** `'longest'` (default): leftmost-longest, non-overlapping; `'all'`: every occurrence, nested ones too. */
  readonly overlap?: 'longest' | 'all';
}

interface Pattern<T> {
  readonly key: string;
  readonly entries: T[];
  readonly cues: NegationCue[];
}

/**
 * A term dictionary compiled into one Aho–Corasick automaton over normalised words (lower case, no
 * accents, punctuation as separator), so a note is matched in one pass whatever the table size (the
 * full ICD-10-CM release has ~200k phrases). Each match carries its entries (codes) and NegEx-style
 * negation / uncertainty flags scoped to its sentence.
 *
 * @example
 * ```ts
 * const matcher = new TermMatcher([{ code: 'R50.9', term: 'fiebre' }, { code: 'I48.91', term: 'fibrilación auricular' }]);
 * matcher.match('Sin fiebre. Fibrilacion auricular paroxística.').map((m) => [m.entries[0]!.code, m.negated]);
 * // [['R50.9', true], ['I48.91', false]]
 * ```
 */
export class TermMatcher<T extends TermEntry = TermEntry> {
  private readonly vocabulary = new Map<string, number>();
  private readonly patterns: Pattern<T>[] = [];
  private readonly automaton: WordAutomaton;
  private readonly terminators: Set<string>;
  private readonly maxScopeWords: number;

  constructor(entries: Iterable<T>, options: TermMatcherOptions = {}) {
    this.maxScopeWords = options.maxScopeWords ?? 8;
    if (!Number.isInteger(this.maxScopeWords) || this.maxScopeWords < 1) {
      invalidArgument('TermMatcher', 'maxScopeWords', 'an integer >= 1', options.maxScopeWords);
    }
    const byKey = new Map<string, Pattern<T>>();
    const wordLists: number[][] = [];
    const add = (phrase: string): Pattern<T> | undefined => {
      const words = wordTokens(phrase).map((token) => token.text);
      if (words.length === 0) return undefined;
      const key = words.join(' ');
      let pattern = byKey.get(key);
      if (pattern === undefined) {
        pattern = { key, entries: [], cues: [] };
        byKey.set(key, pattern);
        this.patterns.push(pattern);
        wordLists.push(words.map((word) => this.wordId(word)));
      }
      return pattern;
    };
    for (const entry of entries) {
      if (typeof entry?.code !== 'string' || typeof entry.term !== 'string') {
        invalidArgument('TermMatcher', 'entries', 'entries with a string code and term', entry);
      }
      add(entry.term)?.entries.push(entry);
    }
    for (const cue of options.cues ?? NEGATION_CUES) add(cue.phrase)?.cues.push(cue);
    this.terminators = new Set(SCOPE_TERMINATORS);
    this.automaton = new WordAutomaton(wordLists);
  }

  private wordId(word: string): number {
    let id = this.vocabulary.get(word);
    if (id === undefined) {
      id = this.vocabulary.size;
      this.vocabulary.set(word, id);
    }
    return id;
  }

  /** Number of distinct phrases (terms and cues). */
  get phrases(): number {
    return this.patterns.length;
  }

  /** Number of automaton states. */
  get states(): number {
    return this.automaton.states;
  }

  /**
   * Finds the dictionary's terms in `text` (one pass), with original offsets and negation flags.
   *
   * @example
   * ```ts
   * matcher.match('r/o pneumonia')[0]?.uncertain; // true
   * ```
   */
  match(text: string, options: MatchOptions = {}): TermMatch<T>[] {
    if (typeof text !== 'string') invalidArgument('TermMatcher.match', 'text', 'a string', text);
    const words = wordTokens(text);
    const ids = new Int32Array(words.length);
    words.forEach((word, index) => {
      ids[index] = this.vocabulary.get(word.text) ?? -1;
    });
    const sentenceOf = sentenceIndex(text, words);
    const termHits: [pattern: number, first: number, last: number][] = [];
    const cueHits: [pattern: number, first: number, last: number][] = [];
    this.automaton.scan(ids, (pattern, first, last) => {
      // A phrase never spans two sentences.
      if (sentenceOf[first] !== sentenceOf[last]) return;
      const target = this.patterns[pattern]!;
      if (target.entries.length > 0) termHits.push([pattern, first, last]);
      if (target.cues.length > 0) cueHits.push([pattern, first, last]);
    });
    const terms = options.overlap === 'all' ? termHits : longestFirst(termHits);
    const cues = longestFirst(cueHits);
    const matches: TermMatch<T>[] = [];
    for (const [pattern, first, last] of terms) {
      const target = this.patterns[pattern]!;
      const start = words[first]!.start;
      const end = words[last]!.end;
      const entries = target.entries.filter(
        (entry) => entry.caseSensitive !== true || sameCase(entry.term, words, first, last, text),
      );
      if (entries.length === 0) continue;
      const flags = this.flags(cues, first, last, words, sentenceOf);
      matches.push({
        start,
        end,
        text: text.slice(start, end),
        key: target.key,
        entries,
        firstWord: first,
        endWord: last + 1,
        sentence: sentenceOf[first]!,
        ...flags,
      });
    }
    return matches;
  }

  private flags(
    cues: readonly [number, number, number][],
    first: number,
    last: number,
    words: readonly WordToken[],
    sentenceOf: Int32Array,
  ): { negated: boolean; uncertain: boolean } {
    let negated = false;
    let uncertain = false;
    for (const [pattern, cueFirst, cueLast] of cues) {
      if (sentenceOf[cueFirst] !== sentenceOf[first]) continue;
      for (const cue of this.patterns[pattern]!.cues) {
        const covers =
          cue.direction === 'pre'
            ? cueLast < first && this.inScope(words, cueLast + 1, first)
            : cueFirst > last && this.inScope(words, last + 1, cueFirst);
        if (!covers) continue;
        if (cue.kind === 'negation') negated = true;
        else uncertain = true;
      }
    }
    return { negated, uncertain };
  }

  // The words strictly between a cue and a match: few enough, and no terminator ("but", "pero").
  private inScope(words: readonly WordToken[], from: number, to: number): boolean {
    if (to - from > this.maxScopeWords) return false;
    for (let index = from; index < to; index++) if (this.terminators.has(words[index]!.text)) return false;
    return true;
  }
}

function sentenceIndex(text: string, words: readonly WordToken[]): Int32Array {
  const sentences = splitSentences(text);
  const index = new Int32Array(words.length);
  let sentence = 0;
  words.forEach((word, position) => {
    while (sentence < sentences.length - 1 && word.start >= sentences[sentence]!.end) sentence++;
    index[position] = sentence;
  });
  return index;
}

// Leftmost-longest, non-overlapping.
function longestFirst(hits: [number, number, number][]): [number, number, number][] {
  const sorted = [...hits].sort((a, b) => a[1] - b[1] || b[2] - a[2]);
  const kept: [number, number, number][] = [];
  let free = 0;
  for (const hit of sorted) {
    if (hit[1] < free) continue;
    kept.push(hit);
    free = hit[2] + 1;
  }
  return kept;
}

// A case-sensitive term matches when the original words equal the term's words letter for letter.
function sameCase(
  term: string,
  words: readonly WordToken[],
  first: number,
  last: number,
  text: string,
): boolean {
  const original = [...term.matchAll(/[\p{L}\p{N}]+/gu)].map((match) => match[0]);
  for (let index = first; index <= last; index++) {
    const word = words[index]!;
    if (text.slice(word.start, word.end) !== original[index - first]) return false;
  }
  return true;
}
