import { assertInteger, invalidArgument } from '@icd/core';
import { SeededRandom } from '../random/seeded-random.js';

/**
 * Date shifting instead of `[DATE]` placeholders: every date of one note moves by the same number of
 * days, so intervals ("admitted 3 days after the angiogram") survive while the calendar dates do not,
 * as research de-identification tools offer (Philter's and the i2b2 pipelines' "shift" mode).
 *
 * @example
 * ```ts
 * redactPhi('Admitted 03/04/2021, discharged 07/04/2021.', { shiftDates: { seed: 'patient-17' } }).text;
 * // 'Admitted 16/07/2020, discharged 20/07/2020.' (both moved by the same seeded offset, -261 days)
 * ```
 */
export interface ShiftDatesOptions {
  /**
   * Picks the offset: the same seed gives the same offset, so pass one secret per patient (for example a
   * keyed hash of the patient id) to keep a patient's notes consistent with each other.
   */
  readonly seed: number | string;
  /** The offset is a non-zero whole number of days in `[-maxDays, maxDays]`. Default 365. */
  readonly maxDays?: number;
  /** How to read an ambiguous numeric date such as 03/04/2021. Default `'dmy'` (`'mdy'`: US order). */
  readonly numericOrder?: 'dmy' | 'mdy';
}

const EN_MONTHS =
  'january february march april may june july august september october november december'.split(' ');
const ES_MONTHS =
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre'.split(' ');
const ES_SHORT = 'ene feb mar abr may jun jul ago sep oct nov dic'.split(' ');
const EN_WEEKDAYS = 'sunday monday tuesday wednesday thursday friday saturday'.split(' ');

/** The offset in days chosen by `seed` (FNV-1a of a string seed, then the package's seeded generator). */
export function dateShiftDays(options: ShiftDatesOptions): number {
  const { seed, maxDays = 365 } = options;
  assertInteger('redactPhi', 'shiftDates.maxDays', maxDays, { min: 1, max: 36_500 });
  let numericSeed: number;
  if (typeof seed === 'string') {
    let hash = 0x811c9dc5;
    for (let index = 0; index < seed.length; index++) {
      hash ^= seed.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    numericSeed = hash;
  } else if (Number.isInteger(seed)) numericSeed = seed;
  else return invalidArgument('redactPhi', 'shiftDates.seed', 'an integer or a string', seed);
  const random = new SeededRandom(numericSeed);
  const magnitude = 1 + random.integer(maxDays);
  return random.chance(0.5) ? magnitude : -magnitude;
}

/** The month `index` written like `like`: same language, case, abbreviation and trailing dot. */
function monthName(index: number, like: string, language: 'en' | 'es'): string {
  const lower = like.toLowerCase().replace(/\.$/, '');
  // "mar", "may", "sep" are both English and Spanish abbreviations: the note's language decides.
  const spanish =
    ES_MONTHS.includes(lower) ||
    lower === 'setiembre' ||
    (language === 'es' && ES_SHORT.includes(lower)) ||
    (ES_SHORT.includes(lower) && !EN_MONTHS.some((name) => name.startsWith(lower)));
  const full = spanish ? ES_MONTHS[index]! : EN_MONTHS[index]!;
  const isShort = !(spanish ? ES_MONTHS : EN_MONTHS).includes(lower) && lower !== 'setiembre';
  let name = isShort ? (spanish ? ES_SHORT[index]! : full.slice(0, 3)) : full;
  if (like === like.toUpperCase()) name = name.toUpperCase();
  else if (like[0] === like[0]!.toUpperCase()) name = name[0]!.toUpperCase() + name.slice(1);
  return name + (like.endsWith('.') ? '.' : '');
}

function monthIndex(word: string): number {
  const lower = word.toLowerCase().replace(/\.$/, '');
  if (lower === 'setiembre') return 8;
  for (const list of [EN_MONTHS, ES_MONTHS]) {
    const found = list.findIndex((name) => name === lower || (lower.length >= 3 && name.startsWith(lower)));
    if (found !== -1) return found;
  }
  return ES_SHORT.indexOf(lower);
}

function ordinal(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

const pad = (value: number, like: string) => String(value).padStart(like.length, '0');

/**
 * Moves one date, written as `redactPhi` finds them (numeric d/m/y, y-m-d, y/m/d; English and Spanish
 * month names, with or without day or year), by `days`, keeping its format: separators, zero padding,
 * two-digit years, the month's language, case and abbreviation, English ordinals and weekdays. A date
 * without a day moves by whole months (from the 15th); one without a year is read in a leap year. Returns
 * `undefined` for text it cannot read, which the caller replaces with the `[DATE]` placeholder.
 */
export function shiftDate(
  text: string,
  days: number,
  numericOrder: 'dmy' | 'mdy' = 'dmy',
  language: 'en' | 'es' = 'en',
): string | undefined {
  const numeric = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(text);
  if (numeric !== null) {
    const [, first, separator, second, year] = numeric as unknown as [string, string, string, string, string];
    const monthFirst = Number(second) > 12 || (numericOrder === 'mdy' && Number(first) <= 12);
    const [dayText, monthText] = monthFirst ? [second, first] : [first, second];
    const moved = move(
      Number(year.length === 2 ? `20${year}` : year),
      Number(monthText),
      Number(dayText),
      days,
    );
    if (moved === undefined) return undefined;
    const yearOut = year.length === 2 ? pad(moved.year % 100, year) : String(moved.year);
    const dayOut = pad(moved.day, dayText);
    const monthOut = pad(moved.month, monthText);
    return [monthFirst ? monthOut : dayOut, monthFirst ? dayOut : monthOut, yearOut].join(separator);
  }
  const iso = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(text);
  if (iso !== null) {
    const [, year, separator, month, day] = iso as unknown as [string, string, string, string, string];
    const moved = move(Number(year), Number(month), Number(day), days);
    if (moved === undefined) return undefined;
    return [String(moved.year), pad(moved.month, month), pad(moved.day, day)].join(separator);
  }
  return shiftWrittenDate(text, days, language);
}

function shiftWrittenDate(text: string, days: number, language: 'en' | 'es'): string | undefined {
  const monthMatch = /\p{L}+\.?/gu;
  let month: RegExpExecArray | undefined;
  for (let match = monthMatch.exec(text); match !== null; match = monthMatch.exec(text)) {
    if (!/^(?:de|del|of|st|nd|rd|th)$/i.test(match[0]) && monthIndex(match[0]) !== -1) {
      month = match;
      break;
    }
  }
  if (month === undefined) return undefined;
  const year = /\b\d{4}\b/.exec(text);
  const day = /\b(\d{1,2})(st|nd|rd|th|º|°)?(?!\d)/.exec(
    text.replace(/\b\d{4}\b/g, (found) => ' '.repeat(found.length)),
  );
  const yearValue = year === null ? 2000 : Number(year[0]);
  const moved =
    day === null
      ? move(yearValue, monthIndex(month[0]) + 1, 15, days)
      : move(yearValue, monthIndex(month[0]) + 1, Number(day[1]), days);
  if (moved === undefined) return undefined;
  // Rebuild from right to left so earlier offsets stay valid.
  const edits: { start: number; end: number; value: string }[] = [
    {
      start: month.index,
      end: month.index + month[0].length,
      value: monthName(moved.month - 1, month[0], language),
    },
  ];
  if (year !== null) edits.push({ start: year.index, end: year.index + 4, value: String(moved.year) });
  if (day !== null) {
    const suffix = day[2];
    const value =
      // Written dates are padded only when the original was ("05 March"), not because it had two digits.
      (day[1]!.startsWith('0') ? String(moved.day).padStart(2, '0') : String(moved.day)) +
      (suffix === undefined ? '' : /[º°]/.test(suffix) ? suffix : ordinal(moved.day));
    edits.push({ start: day.index, end: day.index + day[0].length, value });
    const weekday = /^\p{L}+/u.exec(text);
    const weekdayIndex =
      weekday === null ? -1 : EN_WEEKDAYS.findIndex((name) => name.startsWith(weekday[0].toLowerCase()));
    if (weekday !== null && weekdayIndex !== -1 && weekday[0].length >= 3 && monthIndex(weekday[0]) === -1) {
      const date = new Date(Date.UTC(moved.year, moved.month - 1, moved.day));
      const full = EN_WEEKDAYS[date.getUTCDay()]!;
      let name =
        weekday[0].length > 3 && weekday[0].length >= full.length - 1
          ? full
          : full.slice(0, weekday[0].length);
      name =
        weekday[0] === weekday[0].toUpperCase() ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1);
      edits.push({ start: 0, end: weekday[0].length, value: name });
    }
  }
  let output = text;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    output = output.slice(0, edit.start) + edit.value + output.slice(edit.end);
  return output;
}

/** Adds `days` to a calendar date (UTC, proleptic Gregorian); `undefined` for an impossible date. */
function move(year: number, month: number, day: number, days: number) {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCDate(date.getUTCDate() + days);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
