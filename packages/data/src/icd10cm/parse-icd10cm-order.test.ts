import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { ORDER_ROWS } from './fixture-text.js';
import { parseIcd10CmOrder } from './parse-icd10cm-order.js';

describe('parseIcd10CmOrder', () => {
  it('reads order number, dotted code, billable flag, short and long description (CRLF)', () => {
    const rows = parseIcd10CmOrder(`${ORDER_ROWS.join('\r\n')}\r\n`);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({
      order: 11353,
      code: 'I48',
      billable: false,
      shortDescription: 'Atrial fibrillation and flutter',
      longDescription: 'Atrial fibrillation and flutter',
    });
    expect(rows[4]).toMatchObject({ order: 11357, code: 'I48.19', billable: true });
    expect(rows[9]).toEqual({
      order: 55633,
      code: 'S72.001A',
      billable: true,
      shortDescription: 'Fracture of unsp part of neck of right femur, init',
      longDescription:
        'Fracture of unspecified part of neck of right femur, initial encounter for closed fracture',
    });
  });

  it('reads UTF-8 bytes with a byte-order mark and LF line ends', () => {
    const bytes = new TextEncoder().encode(`\uFEFF${ORDER_ROWS.slice(0, 2).join('\n')}`);
    expect(parseIcd10CmOrder(bytes).map((row) => row.code)).toEqual(['I48', 'I48.0']);
  });

  it('names the line of a row that does not fit the layout', () => {
    const text = `${ORDER_ROWS[0]}\nnot an order row\n`;
    expect(() => parseIcd10CmOrder(text, { file: 'order.txt' })).toThrow(DataFormatError);
    expect(() => parseIcd10CmOrder(text, { file: 'order.txt' })).toThrow(
      'order.txt:2: expected an order row',
    );
  });

  it('rejects codes that are not ICD-10-CM, duplicates, bad UTF-8 and non-text input', () => {
    const badCode = ORDER_ROWS[0]!.replace('I48    ', '1480   ');
    expect(() => parseIcd10CmOrder(badCode)).toThrow("'1480' is not an ICD-10-CM code");
    expect(() => parseIcd10CmOrder(`${ORDER_ROWS[0]}\n${ORDER_ROWS[0]}`, { file: 'o.txt' })).toThrow(
      'o.txt:2: duplicate code I48',
    );
    expect(() => parseIcd10CmOrder(new Uint8Array([0xff, 0xfe, 0x41]))).toThrow('invalid UTF-8');
    // The error names the file and the line of the bad byte (line 3 here).
    const encoded = new TextEncoder().encode(`${ORDER_ROWS.slice(0, 2).join('\n')}\n`);
    const bad = new Uint8Array([...encoded, 0x41, 0xc3, 0x28, 0x0a]);
    const error = (() => {
      try {
        parseIcd10CmOrder(bad, { file: 'o.txt' });
      } catch (caught) {
        return caught as DataFormatError;
      }
      throw new Error('expected a DataFormatError');
    })();
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect([error.file, error.line]).toEqual(['o.txt', 3]);
    expect(() => parseIcd10CmOrder(42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});
