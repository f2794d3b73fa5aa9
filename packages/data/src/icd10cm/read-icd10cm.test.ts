import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { hasIcd10cm, icd10cmDir, warnIfMissing } from '../../test/shared-dir.js';
import { loadIcd10CmTable, readIcd10CmOrder, readIcd10CmTabular } from './read-icd10cm.js';

warnIfMissing(hasIcd10cm, 'ICD-10-CM release', icd10cmDir);

describe('loadIcd10CmTable', () => {
  it('needs a directory or an order file', async () => {
    await expect(loadIcd10CmTable({})).rejects.toThrow(InvalidArgumentError);
  });

  it('names a missing file or a folder with a DataFormatError', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'icd-icd10cm-'));
    try {
      const missing = join(folder, 'missing.txt');
      await expect(readIcd10CmOrder(missing)).rejects.toThrow(DataFormatError);
      await expect(readIcd10CmOrder(missing)).rejects.toThrow(`${missing}: the file not found (ENOENT)`);
      await expect(readIcd10CmTabular(folder)).rejects.toThrow(
        `${folder}: the file is a folder, expected a file (EISDIR)`,
      );
      await expect(loadIcd10CmTable({ directory: folder })).rejects.toThrow(DataFormatError);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasIcd10cm)(
    'reads the full FY2021 release of ../shared/data/icd10cm',
    async () => {
      const table = await loadIcd10CmTable({ directory: icd10cmDir });
      // Counts from the README (95,358 order rows) and `grep -c '<diag>'` on the XML (45,017).
      expect(table.size).toBe(95358);
      const tabular = await readIcd10CmTabular(join(icd10cmDir, 'icd10cm-tabular-2021.xml'));
      expect(tabular.diagnoses).toHaveLength(45017);
      expect(tabular.chapters).toHaveLength(22);
      expect(table.get('I48.3')).toMatchObject({
        longDescription: 'Typical atrial flutter',
        billable: true,
        parent: 'I48',
        chapter: 9,
        section: 'I30-I52',
        inclusionTerms: ['Type I atrial flutter'],
      });
      expect(table.get('A00')).toMatchObject({ billable: false, shortDescription: 'Cholera', chapter: 1 });
      expect(table.get('T36.0X1A')).toMatchObject({ parent: 'T36.0X1', billable: true, chapter: 19 });
    },
    60_000,
  );
});
