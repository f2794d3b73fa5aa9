import type { CodePrediction, Coder, Evidence, NoteInput, NotePrediction, PredictOptions } from '@icd/core';
import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import type { TermEntry } from './term-entry.js';
import { TermMatcher, type TermMatcherOptions } from './term-matcher.js';

/**
 * Options of {@link DictionaryCoder}.
 *
 * @example
 * ```ts
 * const options: DictionaryCoderOptions = { terms, priors: codePriors(trainNotes), negatedWeight: 0, includeUnmatched: true };
 * ```
 */
export interface DictionaryCoderOptions extends TermMatcherOptions {
  /** The dictionary (ICD-10-CM phrases, learned expressions, a user table, or all merged). */
  readonly terms: Iterable<TermEntry>;
  /** Each code's prior, e.g. its share of training notes ({@link codePriors}); breaks ties and ranks unmatched codes. */
  readonly priors?: ReadonlyMap<string, number>;
  /** How much the prior weighs against match strength, in [0, 1] (default 0.01). */
  readonly priorWeight?: number;
  /** What a negated match counts, in [0, 1] (default 0: "no evidence of AF" is no evidence). */
  readonly negatedWeight?: number;
  /** What an uncertain match counts, in [0, 1] (default 0.5). */
  readonly uncertainWeight?: number;
  /** Score threshold of `predicted` (default 0.5: one full-weight match is 1 - e^-1 ≈ 0.63). */
  readonly threshold?: number;
  /** Rank codes that have a prior but no match after the matched ones, by prior (default false: matched codes only). */
  readonly includeUnmatched?: boolean;
  /** `'longest'` (default): nested phrases inside a longer match do not count; `'all'`: every phrase found counts. */
  readonly overlap?: 'longest' | 'all';
  /** Restrict the label space to these codes: matches of other codes are ignored (default: every code of `terms` and `priors`). */
  readonly labels?: readonly string[];
}

/**
 * A {@link Coder} that codes by dictionary: every term match is evidence for its codes. A code's
 * strength is the sum over its matches of term weight × (1, or `negatedWeight` / `uncertainWeight`),
 * and its score `(1 - priorWeight)·(1 - e^-strength) + priorWeight·prior`, so codes rank by match
 * strength, then by prior. Evidence spans are the matches, best first, in original note offsets.
 *
 * @example
 * ```ts
 * const coder = new DictionaryCoder({ terms: [{ code: 'I48.91', term: 'atrial fibrillation' }] });
 * const [prediction] = await coder.predict([{ id: 'n1', text: 'Known atrial fibrillation on apixaban.' }]);
 * prediction.ranked[0]; // { code: 'I48.91', score: 0.63, predicted: true, evidence: [{ start: 6, end: 25, ... }] }
 * ```
 */
export class DictionaryCoder implements Coder {
  readonly labels: readonly string[];
  readonly matcher: TermMatcher;
  private readonly labelIndex: ReadonlyMap<string, number>;
  private readonly priors: ReadonlyMap<string, number>;
  private readonly priorWeight: number;
  private readonly negatedWeight: number;
  private readonly uncertainWeight: number;
  private readonly threshold: number;
  private readonly includeUnmatched: boolean;
  private readonly overlap: 'longest' | 'all';

  constructor(options: DictionaryCoderOptions) {
    const fn = 'DictionaryCoder';
    if (typeof options !== 'object' || options === null || options.terms === undefined) {
      invalidArgument(fn, 'options', 'an object with terms', options);
    }
    const unit = { min: 0, max: 1 };
    this.priorWeight = options.priorWeight ?? 0.01;
    assertFiniteNumber(fn, 'priorWeight', this.priorWeight, unit);
    this.negatedWeight = options.negatedWeight ?? 0;
    assertFiniteNumber(fn, 'negatedWeight', this.negatedWeight, unit);
    this.uncertainWeight = options.uncertainWeight ?? 0.5;
    assertFiniteNumber(fn, 'uncertainWeight', this.uncertainWeight, unit);
    this.threshold = options.threshold ?? 0.5;
    assertFiniteNumber(fn, 'threshold', this.threshold);
    this.includeUnmatched = options.includeUnmatched ?? false;
    this.overlap = options.overlap ?? 'longest';
    if (this.overlap !== 'longest' && this.overlap !== 'all')
      invalidArgument(fn, 'overlap', "'longest' or 'all'", this.overlap);
    this.priors = new Map(
      [...(options.priors ?? [])].map(([code, prior]) => [code.trim().toUpperCase(), prior]),
    );
    const allowed =
      options.labels === undefined
        ? undefined
        : new Set(options.labels.map((code) => code.trim().toUpperCase()));
    const terms = [...options.terms]
      .map((term) => ({ ...term, code: term.code.trim().toUpperCase() }))
      .filter((term) => allowed === undefined || allowed.has(term.code));
    for (const term of terms) {
      if (term.weight !== undefined) assertFiniteNumber(fn, 'term weight', term.weight, { min: 0 });
    }
    this.matcher = new TermMatcher(terms, options);
    this.labels =
      allowed !== undefined
        ? [...allowed]
        : [...new Set([...terms.map((term) => term.code), ...this.priors.keys()])];
    this.labelIndex = new Map(this.labels.map((code, index) => [code, index]));
  }

  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    if (!Array.isArray(notes))
      invalidArgument('DictionaryCoder.predict', 'notes', 'an array of notes', notes);
    const maxEvidence = options.maxEvidence ?? 3;
    assertInteger('DictionaryCoder.predict', 'maxEvidence', maxEvidence, { min: 0 });
    if (options.topK !== undefined)
      assertInteger('DictionaryCoder.predict', 'topK', options.topK, { min: 1 });
    if (options.threshold !== undefined)
      assertFiniteNumber('DictionaryCoder.predict', 'threshold', options.threshold);
    const predictions: NotePrediction[] = [];
    let lastYield = Date.now();
    for (const note of notes) {
      options.signal?.throwIfAborted();
      if (typeof note?.text !== 'string' || typeof note.id !== 'string') {
        invalidArgument('DictionaryCoder.predict', 'notes', 'notes with a string id and text', note);
      }
      predictions.push(this.predictOne(note, options, maxEvidence));
      // Give the event loop a turn every ~10 ms (a macrotask: a microtask would not let a timer or an
      // incoming request run), so an abort from outside can fire during a long batch.
      if (options.signal !== undefined && Date.now() - lastYield >= 10) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = Date.now();
      }
    }
    options.signal?.throwIfAborted();
    return predictions;
  }

  private predictOne(note: NoteInput, options: PredictOptions, maxEvidence: number): NotePrediction {
    const strength = new Map<string, number>();
    const evidence = new Map<string, Evidence[]>();
    for (const match of this.matcher.match(note.text, { overlap: this.overlap })) {
      const factor = match.negated ? this.negatedWeight : match.uncertain ? this.uncertainWeight : 1;
      // One match counts once per code, with the best weight among that code's entries for the phrase.
      const best = new Map<string, number>();
      for (const entry of match.entries)
        best.set(entry.code, Math.max(best.get(entry.code) ?? 0, entry.weight ?? 1));
      for (const [code, weight] of best) {
        strength.set(code, (strength.get(code) ?? 0) + weight * factor);
        if (options.evidence === false) continue;
        const list = evidence.get(code) ?? [];
        list.push({
          start: match.start,
          end: match.end,
          text: match.text,
          score: weight * factor,
          source: 'dictionary',
          ...(match.negated ? { negated: true } : {}),
          ...(match.uncertain ? { uncertain: true } : {}),
        });
        evidence.set(code, list);
      }
    }
    const threshold = options.threshold ?? this.threshold;
    const codes = [...strength.keys()];
    if (this.includeUnmatched) {
      for (const code of this.priors.keys())
        if (!strength.has(code) && this.labelIndex.has(code)) codes.push(code);
    }
    let ranked: CodePrediction[] = codes.map((code) => {
      const score =
        (1 - this.priorWeight) * (1 - Math.exp(-(strength.get(code) ?? 0))) +
        this.priorWeight * (this.priors.get(code) ?? 0);
      const spans = (evidence.get(code) ?? [])
        .sort((a, b) => b.score - a.score || a.start - b.start)
        .slice(0, maxEvidence);
      return { code, score, threshold, predicted: score >= threshold, evidence: spans };
    });
    ranked = ranked.sort(
      (a, b) => b.score - a.score || this.labelIndex.get(a.code)! - this.labelIndex.get(b.code)!,
    );
    if (options.topK !== undefined) ranked = ranked.slice(0, options.topK);
    return { noteId: note.id, ranked, evidenceSource: options.evidence === false ? 'none' : 'dictionary' };
  }

  dispose(): void {}
}

/**
 * Each code's share of notes, a prior for {@link DictionaryCoder}.
 *
 * @example
 * ```ts
 * codePriors([{ codes: ['I10'] }, { codes: ['I10', 'E11.9'] }]); // Map { 'I10' => 1, 'E11.9' => 0.5 }
 * ```
 */
export function codePriors(notes: Iterable<{ readonly codes: readonly string[] }>): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const note of notes) {
    total++;
    for (const code of new Set(note.codes.map((c) => c.trim().toUpperCase())))
      counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return new Map([...counts].map(([code, count]) => [code, count / Math.max(total, 1)]));
}
