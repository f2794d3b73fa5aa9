import { invalidArgument } from '@icd/core';
import { phraseKey } from '../text/word-tokens.js';
import type { TermEntry } from './term-entry.js';

/**
 * One annotated mention: the text of a span and the code it justifies (a CodiEsp-X row).
 *
 * @example
 * ```ts
 * const row: SpanAnnotation = { code: 'N44.8', text: 'teste derecho aumentado de tamaño' };
 * ```
 */
export interface SpanAnnotation {
  readonly code: string;
  readonly text: string;
}

/**
 * Options of {@link learnTerms}.
 *
 * @example
 * ```ts
 * learnTerms(evidence, { minCount: 2 }); // expressions seen at least twice with a code
 * ```
 */
export interface LearnTermsOptions {
  /** Keep an (expression, code) pair seen at least this often (default 1). */
  readonly minCount?: number;
}

/**
 * A term dictionary learned from span annotations (CodiEsp's X track: for every training code, the
 * text that justifies it). Expressions are normalised (case, accents, punctuation), counted per code,
 * and weighted by how often the expression meant that code: weight = count(expression, code) /
 * count(expression). This is how the strongest CodiEsp 2020 systems worked.
 *
 * @example
 * ```ts
 * learnTerms([{ code: 'r50.9', text: 'Fiebre' }, { code: 'R50.9', text: 'fiebre' }, { code: 'R50.81', text: 'fiebre' }]);
 * // [{ code: 'R50.9', term: 'Fiebre', count: 2, weight: 2/3, source: 'learned' },
 * //  { code: 'R50.81', term: 'fiebre', count: 1, weight: 1/3, source: 'learned' }]
 * ```
 */
export function learnTerms(
  annotations: Iterable<SpanAnnotation>,
  options: LearnTermsOptions = {},
): TermEntry[] {
  const minCount = options.minCount ?? 1;
  if (!Number.isInteger(minCount) || minCount < 1)
    invalidArgument('learnTerms', 'minCount', 'an integer >= 1', minCount);
  const byKey = new Map<string, { total: number; codes: Map<string, { count: number; term: string }> }>();
  for (const annotation of annotations) {
    if (typeof annotation?.code !== 'string' || typeof annotation.text !== 'string') {
      invalidArgument('learnTerms', 'annotations', 'annotations with a string code and text', annotation);
    }
    const key = phraseKey(annotation.text);
    if (key === '') continue;
    const code = annotation.code.trim().toUpperCase();
    const slot = byKey.get(key) ?? { total: 0, codes: new Map() };
    slot.total++;
    const counted = slot.codes.get(code) ?? { count: 0, term: annotation.text.trim() };
    counted.count++;
    slot.codes.set(code, counted);
    byKey.set(key, slot);
  }
  const terms: TermEntry[] = [];
  for (const { total, codes } of byKey.values()) {
    for (const [code, { count, term }] of codes) {
      if (count >= minCount) terms.push({ code, term, count, weight: count / total, source: 'learned' });
    }
  }
  return terms;
}
