import { TermMatcher } from '../dictionary/term-matcher.js';
import { splitSentences } from '../text/sentences.js';
import { stopWords } from '../text/stop-words.js';
import { wordTokens } from '../text/word-tokens.js';

/**
 * A candidate keyword and where it occurs.
 *
 * @example
 * ```ts
 * const candidate: Candidate = { text: 'chest pain', spans: [[0, 10]] };
 * ```
 */
export interface Candidate {
  readonly text: string;
  /** `[start, end)` character offsets of each occurrence. */
  readonly spans: [number, number][];
}

/**
 * How candidates are generated: word n-grams or a user list.
 *
 * @example
 * ```ts
 * const options: CandidateOptions = { ngramRange: [1, 3], stopWords: 'es' };
 * ```
 */
export interface CandidateOptions {
  /** Smallest and largest n-gram length in words (default `[1, 2]`). */
  readonly ngramRange?: readonly [number, number];
  /** `'en'` (default), `'es'`, a custom list, or `false` to keep every word. */
  readonly stopWords?: 'en' | 'es' | readonly string[] | false;
  /** Use these candidates instead of n-grams, found case-insensitively (KeyBERT drops upper-case ones: not here). */
  readonly candidates?: readonly string[];
}

/**
 * The candidates of a text: word n-grams within a sentence that contain no stop word and no
 * single-character word (KeyBERT's CountVectorizer keeps tokens of 2+ characters), keyed by their
 * lower-case form; or the user's candidates found in the text case-insensitively (accents and
 * punctuation ignored). Candidates that do not occur are dropped, as KeyBERT drops them.
 *
 * @example
 * ```ts
 * findCandidates('Chest pain; chest pain.', { ngramRange: [2, 2] }); // [{ text: 'chest pain', spans: [[0, 10], [12, 22]] }]
 * ```
 */
export function findCandidates(text: string, options: CandidateOptions): Candidate[] {
  if (options.candidates !== undefined) {
    // A candidate given twice is one candidate (scikit-learn refuses a duplicated vocabulary term).
    const unique = [...new Set(options.candidates)];
    const matcher = new TermMatcher(
      unique.map((candidate) => ({ code: candidate, term: candidate })),
      { cues: [] },
    );
    const found = new Map<string, Candidate>();
    for (const match of matcher.match(text, { overlap: 'all' })) {
      for (const code of new Set(match.entries.map((entry) => entry.code))) {
        const candidate = found.get(code) ?? { text: code, spans: [] };
        candidate.spans.push([match.start, match.end]);
        found.set(code, candidate);
      }
    }
    return unique.filter((c) => found.has(c)).map((c) => found.get(c)!);
  }
  const [low, high] = options.ngramRange ?? [1, 2];
  const stop =
    options.stopWords === false
      ? new Set<string>()
      : typeof options.stopWords === 'object'
        ? new Set(options.stopWords.map((word) => word.toLowerCase()))
        : stopWords(options.stopWords ?? 'en');
  const byText = new Map<string, Candidate>();
  for (const sentence of splitSentences(text)) {
    const words = wordTokens(text.slice(sentence.start, sentence.end));
    const usable = (index: number) => {
      const word = words[index]!;
      return !stop.has(word.text) && word.end - word.start >= 2;
    };
    for (let first = 0; first < words.length; first++) {
      for (let n = 1; n <= high && first + n <= words.length; n++) {
        if (!usable(first + n - 1)) break;
        if (n < low) continue;
        const last = words[first + n - 1]!;
        const start = sentence.start + words[first]!.start;
        const end = sentence.start + last.end;
        const key = words
          .slice(first, first + n)
          .map((word) => text.slice(sentence.start + word.start, sentence.start + word.end).toLowerCase())
          .join(' ');
        const candidate = byText.get(key) ?? { text: key, spans: [] };
        candidate.spans.push([start, end]);
        byText.set(key, candidate);
      }
    }
  }
  return [...byText.values()];
}
