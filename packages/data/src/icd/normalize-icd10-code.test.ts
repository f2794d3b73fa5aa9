import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import {
  icd10Category,
  isIcd10CmCode,
  isIcd10PcsCode,
  normalizeIcd10Code,
  normalizeIcd10PcsCode,
} from './normalize-icd10-code.js';

describe('normalizeIcd10Code', () => {
  // Hand-written table: input as found in the wild → canonical ICD-10-CM form.
  it.each([
    ['i48.0', 'I48.0'],
    ['I480', 'I48.0'],
    [' I48.0 ', 'I48.0'],
    ['r52', 'R52'],
    ['z20.818', 'Z20.818'],
    ['S72001A', 'S72.001A'],
    ['t50.901a', 'T50.901A'],
    ['O9A.211', 'O9A.211'],
    ['QA0', 'QA0'],
    ['U07.1', 'U07.1'],
    ['I1A.0', 'I1A.0'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeIcd10Code(input)).toBe(expected);
  });

  it.each([
    ['I4.80'],
    ['I48.'],
    ['48.0'],
    ['II48'],
    ['I48.00000'],
    ['I48..0'],
    ['I 48'],
    [''],
    ['0210093'],
    ['BW03ZZZ'],
  ])('rejects %j with an error naming the code', (input) => {
    expect(() => normalizeIcd10Code(input)).toThrow(InvalidArgumentError);
    expect(() => normalizeIcd10Code(input)).toThrow(JSON.stringify(input));
    expect(isIcd10CmCode(input)).toBe(false);
  });

  it('rejects a non-string', () => {
    expect(() => normalizeIcd10Code(42 as unknown as string)).toThrow(
      "Argument 'code' passed to 'normalizeIcd10Code' must be a string, got 42",
    );
  });

  it('rolls a code up to its three-character category', () => {
    expect(icd10Category('i48.0')).toBe('I48');
    expect(icd10Category('S72001A')).toBe('S72');
    expect(icd10Category('R52')).toBe('R52');
  });
});

describe('normalizeIcd10PcsCode', () => {
  it.each([
    ['bw03zzz', 'BW03ZZZ'],
    [' 0210093 ', '0210093'],
    ['3e02329', '3E02329'],
    ['XW033E5', 'XW033E5'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeIcd10PcsCode(input)).toBe(expected);
    expect(isIcd10PcsCode(input)).toBe(true);
  });

  it('accepts CodiEsp 4-character prefixes only when asked', () => {
    expect(normalizeIcd10PcsCode('bn20', { allowPartial: true })).toBe('BN20');
    expect(() => normalizeIcd10PcsCode('bn20')).toThrow('"bn20"');
  });

  it.each([['0210O93'], ['I210093'], ['A210093'], ['02100933'], ['0210-93']])(
    'rejects %j (I/O, bad section, length)',
    (input) => {
      expect(() => normalizeIcd10PcsCode(input)).toThrow(InvalidArgumentError);
    },
  );
});
