import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { redactPhi } from './redact-phi.js';
import { dateShiftDays, shiftDate } from './shift-date.js';

describe('shiftDate keeps the format and moves the calendar date (hand-computed)', () => {
  it.each([
    ['03/04/2021', 30, 'dmy', 'en', '03/05/2021'],
    ['03/04/2021', 30, 'mdy', 'en', '04/03/2021'], // 4 March + 30 days = 3 April
    ['05 March 2024', -5, 'dmy', 'en', '29 February 2024'],
    ['25/12/2024', 7, 'mdy', 'en', '01/01/2025'], // 25 cannot be a month: read day first whatever the order
    ['2024-02-28', 1, 'dmy', 'en', '2024-02-29'],
    ['2023/03/12', -12, 'dmy', 'en', '2023/02/28'],
    ['5.4.22', 365, 'dmy', 'en', '5.4.23'],
    ['Nov 14, 2024', -14, 'dmy', 'en', 'Oct 31, 2024'],
    ['JAN 5, 2025', -5, 'dmy', 'en', 'DEC 31, 2024'],
    ['21st February 2025', 10, 'dmy', 'en', '3rd March 2025'],
    ['Monday 6 January 2025', 1, 'dmy', 'en', 'Tuesday 7 January 2025'],
    ['14 March', 18, 'dmy', 'en', '1 April'],
    ['12 de marzo de 2023', 20, 'dmy', 'es', '1 de abril de 2023'],
    ['marzo de 2022', 30, 'dmy', 'es', 'abril de 2022'], // from the 15th: 15 March + 30 = 14 April
    ['1 de mayo del 2020', -1, 'dmy', 'es', '30 de abril del 2020'],
    ['12-mar-2023', 31, 'dmy', 'es', '12-abr-2023'],
  ] as const)('%s moved by %i days (%s, %s) is %s', (input, days, order, language, expected) => {
    expect(shiftDate(input, days, order, language)).toBe(expected);
  });

  it('gives up on text it cannot read (the caller writes [DATE])', () => {
    expect(shiftDate('31/02/2024', 3)).toBeUndefined();
    expect(shiftDate('sometime', 3)).toBeUndefined();
  });
});

describe('redactPhi with shiftDates', () => {
  const note = 'Admitted 03/04/2021 (echo 2021-04-05), discharged 10 April 2021. Seen by Dr. Ann Lee.';

  it('moves every date of a note by one seeded offset, so intervals survive', () => {
    const result = redactPhi(note, { shiftDates: { seed: 'patient-17' } });
    const offset = result.dateShiftDays!;
    expect(Number.isInteger(offset) && offset !== 0 && Math.abs(offset) <= 365).toBe(true);
    const expected = [
      new Date(Date.UTC(2021, 3, 3)),
      new Date(Date.UTC(2021, 3, 5)),
      new Date(Date.UTC(2021, 3, 10)),
    ].map((date) => {
      date.setUTCDate(date.getUTCDate() + offset);
      return date;
    });
    const dates = result.spans.filter((span) => span.type === 'DATE').map((span) => span.replacement);
    const two = (value: number) => String(value).padStart(2, '0');
    const months = 'January February March April May June July August September October November December';
    expect(dates).toEqual([
      `${two(expected[0]!.getUTCDate())}/${two(expected[0]!.getUTCMonth() + 1)}/${expected[0]!.getUTCFullYear()}`,
      `${expected[1]!.getUTCFullYear()}-${two(expected[1]!.getUTCMonth() + 1)}-${two(expected[1]!.getUTCDate())}`,
      `${expected[2]!.getUTCDate()} ${months.split(' ')[expected[2]!.getUTCMonth()]} ${expected[2]!.getUTCFullYear()}`,
    ]);
    expect(result.text).toContain('Dr. [NAME]');
    expect(result.text).not.toContain('2021-04-05');
  });

  it('holds the ShiftDatesOptions TSDoc example', () => {
    // Python: date(2021, 4, 3) - timedelta(days=261) == date(2020, 7, 16).
    const result = redactPhi('Admitted 03/04/2021, discharged 07/04/2021.', {
      shiftDates: { seed: 'patient-17' },
    });
    expect(result).toMatchObject({
      text: 'Admitted 16/07/2020, discharged 20/07/2020.',
      dateShiftDays: -261,
    });
  });

  it('the same seed gives the same offset (consistent across a patient’s notes); others differ', () => {
    const offsets = ['a', 'b', 'c', 'd', 'e', 'f'].map((seed) => dateShiftDays({ seed }));
    expect(dateShiftDays({ seed: 'a' })).toBe(offsets[0]);
    expect(new Set(offsets).size).toBeGreaterThan(3);
    expect(dateShiftDays({ seed: 7, maxDays: 3 })).toBe(dateShiftDays({ seed: 7, maxDays: 3 }));
    for (let seed = 0; seed < 50; seed++) {
      const days = dateShiftDays({ seed, maxDays: 3 });
      expect(days !== 0 && Math.abs(days) <= 3).toBe(true);
    }
  });

  it('rejects bad options', () => {
    expect(() => redactPhi(note, { shiftDates: { seed: 1.5 } })).toThrow(InvalidArgumentError);
    expect(() => redactPhi(note, { shiftDates: { seed: 1, maxDays: 0 } })).toThrow(InvalidArgumentError);
    expect(() => redactPhi(note, { shiftDates: { seed: 1, numericOrder: 'ymd' as 'dmy' } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => redactPhi(note, { shiftDates: null as never })).toThrow(InvalidArgumentError);
  });
});
