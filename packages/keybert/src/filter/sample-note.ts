import type { TextSpan, TokenizerLike } from '@icd/core';
import { assertInteger, invalidArgument } from '@icd/core';
import type { TermEntry } from '../dictionary/term-entry.js';
import { TermMatcher } from '../dictionary/term-matcher.js';
import { splitSentences } from '../text/sentences.js';
import { wordTokens } from '../text/word-tokens.js';
import { fittingPrefix, type KeptText, keptText, trimToBudget } from './kept-text.js';
import { detectSections, splitParagraphs } from './sections.js';

/**
 * Options of {@link sampleNote}.
 *
 * @example
 * ```ts
 * sampleNote(note, terms, { budget: 512, tokenizer, maxSections: 3, fill: true });
 * ```
 */
export interface SampleNoteOptions {
  /** Tokens to keep. */
  readonly budget: number;
  /** Counts the budget in this tokenizer's tokens (without specials); words when absent. */
  readonly tokenizer?: TokenizerLike;
  /** Sections to pick (default 3, as the paper). */
  readonly maxSections?: number;
  /** After the picked sections, fill what is left of the budget with the other paragraphs in note order (default false). */
  readonly fill?: boolean;
  /** Between kept paragraphs in `text` (default `'\n'`). */
  readonly separator?: string;
}

/**
 * One section or paragraph and its knowledge counts (eqs. 10–11).
 *
 * @example
 * ```ts
 * const { knowledgeWords, words, ratio } = sampleNote(note, terms, { budget: 512 }).sections[0]!; // N_T, |T|, p_T
 * ```
 */
export interface KnowledgeUnit extends TextSpan {
  /** Words of the unit that belong to a knowledge-term match: N_T. */
  readonly knowledgeWords: number;
  /** All words of the unit: |T|. */
  readonly words: number;
  /** p_T = N_T / |T|. */
  readonly ratio: number;
}

/**
 * A note sampled by {@link sampleNote}: the kept text (paragraphs in sampled order) and the sections.
 *
 * @example
 * ```ts
 * const { text, spans, sections } = sampleNote(note, terms, { budget: 512 });
 * ```
 */
export interface SampledNote extends KeptText {
  /** Every section (or pseudo-section) with its counts, in note order. */
  readonly sections: readonly (KnowledgeUnit & { readonly picked: boolean })[];
}

/**
 * Knowledge-driven sampling (the LLM label-attention paper, §3.3, eqs. 10–11): counts in each section
 * the words that belong to knowledge terms (N_T) and the ratio p_T = N_T / |T|, picks up to three
 * sections with the most knowledge words, orders them by p_T, orders the paragraphs inside each by
 * their own ratio, and keeps paragraphs in that order while they fit the budget (of a paragraph too long
 * for what is left, the sentences that fit). Sections come from
 * headers ("History of present illness:"); a note without headers (a CodiEsp case report) is cut into
 * pseudo-sections of consecutive paragraphs of at most budget / maxSections tokens each, so three
 * sections can fill the budget.
 *
 * @example
 * ```ts
 * const sampled = sampleNote(note, icd10CmTerms(table.entries()), { budget: 512, tokenizer });
 * sampled.text; // the most knowledge-dense paragraphs first
 * ```
 */
export function sampleNote(
  note: string,
  knowledge: TermMatcher | Iterable<TermEntry>,
  options: SampleNoteOptions,
): SampledNote {
  const fn = 'sampleNote';
  if (typeof note !== 'string') invalidArgument(fn, 'note', 'a string', note);
  assertInteger(fn, 'budget', options?.budget, { min: 1 });
  const maxSections = options.maxSections ?? 3;
  assertInteger(fn, 'maxSections', maxSections, { min: 1 });
  const matcher = knowledge instanceof TermMatcher ? knowledge : new TermMatcher(knowledge);
  const count = (text: string) =>
    options.tokenizer === undefined
      ? wordTokens(text).length
      : options.tokenizer.encode(text, null, { addSpecialTokens: false }).ids.length;

  const words = wordTokens(note);
  const isKnowledge = new Uint8Array(words.length);
  for (const match of matcher.match(note)) isKnowledge.fill(1, match.firstWord, match.endWord);
  const unit = (span: TextSpan): KnowledgeUnit => {
    let total = 0;
    let known = 0;
    words.forEach((word, index) => {
      if (word.start >= span.start && word.end <= span.end) {
        total++;
        known += isKnowledge[index]!;
      }
    });
    return {
      start: span.start,
      end: span.end,
      knowledgeWords: known,
      words: total,
      ratio: total === 0 ? 0 : known / total,
    };
  };

  const headed = detectSections(note);
  const paragraphsOf = new Map<number, TextSpan[]>();
  let sectionSpans: TextSpan[];
  if (headed.length > 0) {
    sectionSpans = headed;
    for (const [index, section] of sectionSpans.entries())
      paragraphsOf.set(index, splitParagraphs(note, section));
  } else {
    const limit = Math.max(1, Math.floor(options.budget / maxSections));
    sectionSpans = [];
    let current: TextSpan[] = [];
    let tokens = 0;
    const close = () => {
      if (current.length === 0) return;
      paragraphsOf.set(sectionSpans.length, current);
      sectionSpans.push({ start: current[0]!.start, end: current.at(-1)!.end });
      current = [];
      tokens = 0;
    };
    for (const paragraph of splitParagraphs(note)) {
      const size = count(note.slice(paragraph.start, paragraph.end));
      if (current.length > 0 && tokens + size > limit) close();
      current.push(paragraph);
      tokens += size;
    }
    close();
  }
  const sections = sectionSpans.map(unit);
  const picked = sections
    .map((section, index) => ({ section, index }))
    .filter(({ section }) => section.knowledgeWords > 0)
    .sort((a, b) => b.section.knowledgeWords - a.section.knowledgeWords || a.index - b.index)
    .slice(0, maxSections)
    .sort((a, b) => b.section.ratio - a.section.ratio || a.index - b.index)
    .map(({ index }) => index);
  const ordered: TextSpan[] = [];
  for (const index of picked) {
    const paragraphs = paragraphsOf
      .get(index)!
      .map((paragraph, position) => ({ paragraph: unit(paragraph), position }));
    paragraphs.sort((a, b) => b.paragraph.ratio - a.paragraph.ratio || a.position - b.position);
    ordered.push(...paragraphs.map(({ paragraph }) => paragraph));
  }
  if (options.fill === true) {
    const chosen = new Set(picked);
    sectionSpans.forEach((_, index) => {
      if (!chosen.has(index)) ordered.push(...paragraphsOf.get(index)!);
    });
  }
  // Whole paragraphs while they fit; a paragraph that does not fit gives the sentences of it that do.
  const separator = options.separator ?? '\n';
  // Each passage after the first also costs the separator's tokens (none for white space).
  const separatorTokens = separator.trim() === '' ? 0 : count(separator);
  const kept: TextSpan[] = [];
  let used = 0;
  for (const paragraph of ordered) {
    const size = count(note.slice(paragraph.start, paragraph.end));
    const gap = kept.length > 0 ? separatorTokens : 0;
    if (used + gap + size <= options.budget) {
      kept.push({ start: paragraph.start, end: paragraph.end });
      used += gap + size;
      continue;
    }
    for (const sentence of splitSentences(note.slice(paragraph.start, paragraph.end))) {
      const span = { start: paragraph.start + sentence.start, end: paragraph.start + sentence.end };
      const tokens = count(note.slice(span.start, span.end)) + (kept.length > 0 ? separatorTokens : 0);
      if (used + tokens > options.budget) continue;
      kept.push(span);
      used += tokens;
    }
  }
  // Nothing fits whole (a budget below the best paragraph's every sentence): that paragraph's first words.
  if (kept.length === 0 && ordered.length > 0) {
    const prefix = fittingPrefix(note, ordered[0]!, options.budget, count);
    if (prefix !== undefined) kept.push(prefix);
  }
  used = trimToBudget(note, kept, options.budget, count, separator, false);
  const pickedSet = new Set(picked);
  return {
    ...keptText(note, kept, used, separator),
    sections: sections.map((section, index) => ({ ...section, picked: pickedSet.has(index) })),
  };
}
