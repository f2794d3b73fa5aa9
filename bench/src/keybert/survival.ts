/** Evidence survival: how many gold codes keep their evidence in a note shortened to a token budget. */
import type { TextSpan, TokenizerLike } from '@icd/core';
import { filterNote, sampleNote, type TermMatcher } from '@icd/keybert';
import type { BenchNote } from './codiesp.js';

export type Method = 'head' | 'filterNote' | 'sampleNote' | 'sampleNote+fill';
export const methods: readonly Method[] = ['head', 'filterNote', 'sampleNote', 'sampleNote+fill'];

export async function keptSpans(
  method: Method,
  text: string,
  budget: number,
  tokenizer: TokenizerLike,
  knowledge: TermMatcher,
): Promise<readonly TextSpan[]> {
  if (method === 'head') {
    const { offsets } = tokenizer.encode(text, null, { addSpecialTokens: false });
    if (offsets.length <= budget) return [{ start: 0, end: text.length }];
    return [{ start: 0, end: offsets[budget - 1]![1] }];
  }
  if (method === 'filterNote') return (await filterNote(text, { budget, tokenizer, terms: knowledge })).spans;
  return sampleNote(text, knowledge, { budget, tokenizer, fill: method === 'sampleNote+fill' }).spans;
}

const inside = (span: TextSpan, kept: readonly TextSpan[]) =>
  kept.some((k) => k.start <= span.start && span.end <= k.end);

/** Spanish criterion: a code survives when all spans of one of its X-track evidence rows are kept. */
export function spanishSurvivors(
  note: BenchNote,
  kept: readonly TextSpan[],
): { total: number; kept: number } {
  const byCode = new Map<string, boolean>();
  for (const row of note.evidence) {
    const survives = row.spans.every((span) => inside(span, kept));
    byCode.set(row.code, (byCode.get(row.code) ?? false) || survives);
  }
  return { total: byCode.size, kept: [...byCode.values()].filter(Boolean).length };
}

/**
 * English criterion: a code survives when a term of its ICD-10-CM description or inclusion terms, or of
 * its category's, matches in the kept text. Only codes with such a match in the full note count.
 */
export function englishSurvivors(
  note: BenchNote,
  kept: readonly TextSpan[],
  criterion: TermMatcher,
): { total: number; kept: number } {
  const targets = (code: string) => new Set([code, code.slice(0, 3)]);
  const matches = criterion.match(note.en);
  let total = 0;
  let survived = 0;
  for (const code of new Set(note.codes)) {
    const wanted = targets(code);
    const hits = matches.filter((match) => match.entries.some((entry) => wanted.has(entry.code)));
    if (hits.length === 0) continue;
    total++;
    if (hits.some((hit) => inside(hit, kept))) survived++;
  }
  return { total, kept: survived };
}
