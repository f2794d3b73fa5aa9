import { assertOneOf, invalidArgument } from '@icd/core';
import { findPhiCandidates, type PhiType } from './phi-patterns.js';
import { SPANISH_RULES } from './phi-patterns-es.js';
import { dateShiftDays, type ShiftDatesOptions, shiftDate } from './shift-date.js';

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
  'IP',
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

/**
 * Options of {@link redactPhi}.
 *
 * @example
 * ```ts
 * redactPhi(text, { language: 'es', types: ['NAME', 'DATE'], shiftDates: { seed: 'patient-17' } });
 * ```
 */
export interface RedactPhiOptions {
  /** Which identifier types to redact. Default: all of {@link PHI_TYPES}. */
  readonly types?: readonly PhiType[];
  /** The replacement of a span of `type`. Default `[TYPE]` (`[NAME]`, `[DATE]`, ...). */
  readonly placeholder?: (type: PhiType) => string;
  /**
   * `'en'` (default): the English rules. `'es'`: the English rules plus Spanish ones (titles `Dra.`,
   * `Sr.`, `D.`; labels `Paciente:`, `Médico responsable:`; `su hija Lucía`; `12 de marzo de 2023`; nine-digit
   * phone numbers; NHC, DNI/NIE, NUSS; `Calle Mayor 12, 28013 Madrid`; `Hospital Universitario La Paz`;
   * `93 años`).
   */
  readonly language?: 'en' | 'es';
  /**
   * Replace dates by the same date moved by one seeded offset per call (one note), keeping their format,
   * instead of `[DATE]`; see {@link ShiftDatesOptions}. A date that cannot be read still becomes `[DATE]`.
   */
  readonly shiftDates?: ShiftDatesOptions;
}

/**
 * What {@link redactPhi} returns.
 *
 * @example
 * ```ts
 * const { text, spans, dateShiftDays } = redactPhi('Seen 03/04/2021.', { shiftDates: { seed: 1 } });
 * ```
 */
export interface RedactPhiResult {
  /** The text with every identifier replaced. */
  readonly text: string;
  /** The replaced spans, in text order. */
  readonly spans: RedactedSpan[];
  /** With `shiftDates`: the offset in days applied to every date of this text. */
  readonly dateShiftDays?: number;
}

// When two detectors claim overlapping text, the more specific type wins, then the longer span.
const PRIORITY: Record<PhiType, number> = {
  EMAIL: 0,
  URL: 1,
  IP: 1,
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
 * postcodes; IP addresses; ages over 89 (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)). Headers in capitals
 * (`PATIENT NAME: JOHN SMITH`), lower-case notes (`dr smith`) and surname particles (`van der Berg`) are
 * covered; `language: 'es'` adds the Spanish rules, `shiftDates` moves dates instead of replacing them.
 * Clinical facts are left alone on
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
 * redactPhi('Paciente: Juan Pérez, 12 de marzo de 2023.', { language: 'es' }).text;
 * // 'Paciente: [NAME], [DATE].'
 * ```
 */
export function redactPhi(text: string, options: RedactPhiOptions = {}): RedactPhiResult {
  if (typeof text !== 'string') invalidArgument('redactPhi', 'text', 'a string', text);
  const types = new Set(options.types ?? PHI_TYPES);
  for (const type of types) {
    if (!PHI_TYPES.includes(type))
      invalidArgument('redactPhi', 'types', `a list of ${PHI_TYPES.join(', ')}`, type);
  }
  const language = options.language ?? 'en';
  assertOneOf('redactPhi', 'language', language, ['en', 'es'] as const);
  const shift = options.shiftDates;
  if (shift !== undefined && (shift === null || typeof shift !== 'object')) {
    invalidArgument('redactPhi', 'shiftDates', 'an object { seed, maxDays?, numericOrder? }', shift);
  }
  const numericOrder = shift?.numericOrder ?? 'dmy';
  if (shift !== undefined)
    assertOneOf('redactPhi', 'shiftDates.numericOrder', numericOrder, ['dmy', 'mdy'] as const);
  const offset = shift === undefined ? undefined : dateShiftDays(shift);
  const placeholder = options.placeholder ?? ((type: PhiType) => `[${type}]`);
  const candidates = findPhiCandidates(text, types, language === 'es' ? SPANISH_RULES : undefined);
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
    const original = text.slice(span.start, span.end);
    const replacement =
      (offset !== undefined && span.type === 'DATE'
        ? shiftDate(original, offset, numericOrder, language)
        : undefined) ?? placeholder(span.type);
    output += text.slice(cursor, span.start) + replacement;
    spans.push({ ...span, original, replacement });
    cursor = span.end;
  }
  const redacted = output + text.slice(cursor);
  return offset === undefined ? { text: redacted, spans } : { text: redacted, spans, dateShiftDays: offset };
}
