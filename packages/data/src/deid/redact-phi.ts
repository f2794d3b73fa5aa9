import { invalidArgument } from '@icd/core';
import { findPhiCandidates, type PhiType } from './phi-patterns.js';

/**
 * Every identifier type {@link redactPhi} knows, each replaced by `[TYPE]`.
 *
 * @example
 * ```ts
 * redactPhi(text, { types: PHI_TYPES.filter((type) => type !== 'AGE') });
 * ```
 */
export const PHI_TYPES: readonly PhiType[] = [
  'NAME',
  'DATE',
  'PHONE',
  'EMAIL',
  'URL',
  'ID',
  'ADDRESS',
  'AGE',
];

/**
 * One replaced identifier: `[start, end)` of the INPUT text, its type and what it was replaced with.
 *
 * @example
 * ```ts
 * redactPhi('Seen by Dr. Alice Chen.').spans;
 * // [{ start: 12, end: 22, type: 'NAME', original: 'Alice Chen', replacement: '[NAME]' }]
 * ```
 */
export interface RedactedSpan {
  readonly start: number;
  readonly end: number;
  readonly type: PhiType;
  readonly original: string;
  readonly replacement: string;
}

/** Options of {@link redactPhi}. */
export interface RedactPhiOptions {
  /** Which identifier types to redact. Default: all of {@link PHI_TYPES}. */
  readonly types?: readonly PhiType[];
  /** The replacement of a span of `type`. Default `[TYPE]` (`[NAME]`, `[DATE]`, ...). */
  readonly placeholder?: (type: PhiType) => string;
}

// When two detectors claim overlapping text, the more specific type wins, then the longer span.
const PRIORITY: Record<PhiType, number> = {
  EMAIL: 0,
  URL: 1,
  ID: 2,
  PHONE: 3,
  DATE: 4,
  AGE: 5,
  ADDRESS: 6,
  NAME: 7,
};

/**
 * Replaces identifying information in clinical text with typed placeholders, as the MDR-BERT study did
 * with regular expressions before training (Zhuang et al. 2025): names after titles (`Dr.`, `Mrs`), after
 * labels (`Patient:`, `Signed by`), before credentials (`…, MD`) and after kinship words (`his wife
 * Mary`); dates (numeric with a year, or with a month name); phone, fax and pager numbers; e-mail
 * addresses; URLs; record and ID numbers (labelled, SSN-shaped, or 8+ digits); street addresses and
 * postcodes; ages over 89 (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)). Clinical facts are left alone on
 * purpose: doses (`5 mg`), lab values and ratios (`BP 140/90`, `INR 2.5`), ICD codes (`I48.0`, `0210093`)
 * and eponyms (`Wolff-Parkinson-White`, `Parkinson disease`) need no title or label, so they survive.
 *
 * Rule-based redaction is a safety net, not a guarantee: names without a title or label (a bare
 * "John reports...") are missed. Measure it on your notes with {@link evaluateRedaction}.
 *
 * @example
 * ```ts
 * const { text, spans } = redactPhi('Seen by Dr. Alice Chen on 03/04/2021. Metoprolol 25 mg.');
 * // text: 'Seen by Dr. [NAME] on [DATE]. Metoprolol 25 mg.'
 * // spans: [{ start: 12, end: 22, type: 'NAME', original: 'Alice Chen', replacement: '[NAME]' }, ...]
 * ```
 */
export function redactPhi(
  text: string,
  options: RedactPhiOptions = {},
): { text: string; spans: RedactedSpan[] } {
  if (typeof text !== 'string') invalidArgument('redactPhi', 'text', 'a string', text);
  const types = new Set(options.types ?? PHI_TYPES);
  for (const type of types) {
    if (!PHI_TYPES.includes(type))
      invalidArgument('redactPhi', 'types', `a list of ${PHI_TYPES.join(', ')}`, type);
  }
  const placeholder = options.placeholder ?? ((type: PhiType) => `[${type}]`);
  const candidates = findPhiCandidates(text, types);
  candidates.sort((a, b) => PRIORITY[a.type] - PRIORITY[b.type] || b.end - b.start - (a.end - a.start));
  // owner[i] = 1 + the index in `kept` of the span that claimed character i (0: free). Checking a candidate
  // costs its length, so resolution stays linear in the text however many candidates there are.
  const owner = new Int32Array(text.length);
  const kept: ((typeof candidates)[number] | undefined)[] = [];
  for (const candidate of candidates) {
    const overlapped = new Set<number>();
    for (let index = candidate.start; index < candidate.end; index++)
      if (owner[index] !== 0) overlapped.add(owner[index]! - 1);
    // A street address may swallow the smaller spans inside it (a house number read as an ID, a postcode).
    const swallows =
      candidate.type === 'ADDRESS' &&
      [...overlapped].every(
        (other) => kept[other]!.start >= candidate.start && kept[other]!.end <= candidate.end,
      );
    if (overlapped.size > 0 && !swallows) continue;
    for (const other of overlapped) kept[other] = undefined;
    owner.fill(kept.length + 1, candidate.start, candidate.end);
    kept.push(candidate);
  }
  const resolved = kept.filter((span) => span !== undefined);
  resolved.sort((a, b) => a.start - b.start);
  const spans: RedactedSpan[] = [];
  let output = '';
  let cursor = 0;
  for (const span of resolved) {
    const replacement = placeholder(span.type);
    output += text.slice(cursor, span.start) + replacement;
    spans.push({ ...span, original: text.slice(span.start, span.end), replacement });
    cursor = span.end;
  }
  return { text: output + text.slice(cursor), spans };
}
