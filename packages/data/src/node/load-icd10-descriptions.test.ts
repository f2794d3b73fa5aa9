import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { hasIcd10cm, icd10cmDir, packageDir } from '../../test/shared-dir.js';
import { useTempDirs } from '../../test/temp-dirs.js';
import { Icd10DescriptionTable } from '../icd/icd10-description-table.js';
import { loadIcd10Descriptions } from './load-icd10-descriptions.js';

const tempDir = useTempDirs();

const fixtures = join(packageDir, 'fixtures', 'icd10cm');

describe('loadIcd10Descriptions', () => {
  it('reads the CDC order file (fixed width), long or short descriptions', async () => {
    const table = await loadIcd10Descriptions(join(fixtures, 'order-excerpt.txt'));
    expect(table.size).toBe(10);
    expect(table.describe('I48.0')).toBe('Paroxysmal atrial fibrillation');
    expect(table.describe('i4811')).toBe('Longstanding persistent atrial fibrillation');
    expect(table.describe('S72.001A')).toBe(
      'Fracture of unspecified part of neck of right femur, initial encounter for closed fracture',
    );
    const short = await loadIcd10Descriptions(join(fixtures, 'order-excerpt.txt'), { description: 'short' });
    expect(short.describe('S72.001A')).toBe('Fracture of unsp part of neck of right femur, init');
  });

  it('reads the CDC codes file', async () => {
    const table = await loadIcd10Descriptions(join(fixtures, 'codes-excerpt.txt'));
    expect(table.codes()).toEqual(['I48.0', 'I48.91', 'R57.0']);
    expect(table.describe('R57.0')).toBe('Cardiogenic shock');
  });

  it('falls back to the category when asked', () => {
    const table = new Icd10DescriptionTable([['I48', 'Atrial fibrillation and flutter']]);
    expect(table.describe('I48.0')).toBeUndefined();
    expect(table.describe('I48.0', { fallbackToCategory: true })).toBe('Atrial fibrillation and flutter');
  });

  it('reports a malformed line with file and line number', async () => {
    const file = join(tempDir('icd-data-'), 'codes.txt');
    writeFileSync(file, 'I480    Paroxysmal atrial fibrillation\nnot a code line\n');
    await expect(loadIcd10Descriptions(file)).rejects.toThrow(DataFormatError);
    await expect(loadIcd10Descriptions(file)).rejects.toThrow(`${file}:2:`);
  });

  it.skipIf(!hasIcd10cm)('reads the 1,918 categories of ../shared/data/icd10cm', async () => {
    const table = await loadIcd10Descriptions(join(icd10cmDir, 'icd10cm-categories-April-1-2026.csv'));
    expect(table.size).toBe(1918);
    expect(table.describe('I48')).toBe('Atrial fibrillation and flutter');
    // A quoted CSV field with a comma: A05,"Other bacterial foodborne intoxications, not elsewhere classified"
    expect(table.describe('A05')).toBe('Other bacterial foodborne intoxications, not elsewhere classified');
    expect(table.describe('I48.0', { fallbackToCategory: true })).toBe('Atrial fibrillation and flutter');
  });
});

describe('loadIcd10Descriptions on bad CSV', () => {
  it('names the file and line of a CSV row that is not a code and a description', async () => {
    const folder = tempDir('icd-data-');
    const header = join(folder, 'no-description.csv');
    writeFileSync(header, 'code,title\nI48,Atrial fibrillation\n');
    await expect(loadIcd10Descriptions(header)).rejects.toThrow(`${header}:1: expected a header`);
    const row = join(folder, 'bad-row.csv');
    writeFileSync(row, 'code,description\nI48,Atrial fibrillation\n"I4,8",oops\n');
    await expect(loadIcd10Descriptions(row)).rejects.toThrow(`${row}:3: expected an ICD-10-CM code`);
  });
});
