import { describe, expect, it } from 'vitest';
import { ORDER_ROWS, TABULAR_XML } from './fixture-text.js';
import { Icd10CmTable } from './icd10cm-table.js';
import { parseIcd10CmOrder } from './parse-icd10cm-order.js';
import { parseIcd10CmTabular } from './parse-icd10cm-tabular.js';

describe('Icd10CmTable', () => {
  it('joins order rows and the tabular list: descriptions, billable, hierarchy, inclusion terms', async () => {
    const table = new Icd10CmTable(
      parseIcd10CmOrder(ORDER_ROWS.join('\n')),
      await parseIcd10CmTabular(TABULAR_XML),
    );
    expect(table.size).toBe(10);
    expect(table.get('i4819')).toMatchObject({
      code: 'I48.19',
      longDescription: 'Other persistent atrial fibrillation',
      billable: true,
      parent: 'I48.1',
      category: 'I48',
      chapter: 9,
      section: 'I30-I5A',
      inclusionTerms: ['Chronic persistent atrial fibrillation', 'Persistent atrial fibrillation, NOS'],
    });
    expect(table.children('I48.1')).toEqual(['I48.11', 'I48.19']);
    expect(table.children('I48')).toEqual(['I48.0', 'I48.1']);
    expect(table.lineage('I48.19')).toEqual(['I48.19', 'I48.1', 'I48']);
    // Seventh-character codes are not in the tabular list: parent by prefix, chapter inherited.
    expect(table.get('S72.001A')).toMatchObject({
      parent: 'S72.001',
      chapter: 19,
      section: 'S70-S79',
      billable: true,
    });
    expect(table.get('S72.001A')!.inclusionTerms).toEqual([]);
    expect(table.lineage('S72.001A')).toEqual(['S72.001A', 'S72.001', 'S72.00', 'S72.0', 'S72']);
    expect(table.get('S72.00')!.inclusionTerms).toEqual([
      'Fracture of hip NOS',
      'Fracture of neck of femur NOS',
    ]);
    expect(table.has('I48.2')).toBe(false);
    expect(table.get('I48.2')).toBeUndefined();
    expect(table.chapters).toHaveLength(2);
  });

  it('works from the order file alone (no tabular list): prefix parents, no chapters', () => {
    const table = new Icd10CmTable(parseIcd10CmOrder(ORDER_ROWS.join('\n')));
    expect(table.get('I48.19')).toMatchObject({ parent: 'I48.1', inclusionTerms: [] });
    expect(table.get('I48.19')!.chapter).toBeUndefined();
    expect(table.codes().slice(0, 3)).toEqual(['I48', 'I48.0', 'I48.1']);
  });
});
