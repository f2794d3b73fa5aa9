import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dirs.js';
import { readCsvRecords } from '../node/read-file.js';
import { CsvParser, parseCsvText } from './parse-csv.js';

const tempDir = useTempDirs();

const rows = (text: string) => parseCsvText(text).map((record) => record.fields);

describe('CSV parser (RFC 4180)', () => {
  it('splits plain fields and records, LF or CRLF, with or without a final line break', () => {
    expect(rows('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(rows('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(rows('a,,c\n')).toEqual([['a', '', 'c']]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(rows('id,text\n1,"Fast AF, rate 140"\n')).toEqual([
      ['id', 'text'],
      ['1', 'Fast AF, rate 140'],
    ]);
    expect(rows('"say ""hi""",x\n')).toEqual([['say "hi"', 'x']]);
    expect(rows('1,"line one\nline two\r\nline three",z\n')).toEqual([
      ['1', 'line one\nline two\r\nline three', 'z'],
    ]);
    expect(rows('"",""\n')).toEqual([['', '']]);
  });

  it('numbers records by the line they start on, counting line breaks inside quotes', () => {
    const records = parseCsvText('h1,h2\n"a\nb\nc",1\r\n\r\nx,2\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 6]);
  });

  it('gives the same records whatever the chunking', () => {
    const text = 'a,"b\r\nc",d\r\n"e""f",g\n';
    const parser = new CsvParser('chunks.csv');
    const records = [...text].flatMap((character) => parser.push(character));
    records.push(...parser.finish());
    expect(records).toEqual(parseCsvText(text));
  });

  it.each([
    ['a,b\n1,"open\n2,3\n', 2, 'not closed'],
    ['a,b\nx,y"z\n', 2, 'double quote inside an unquoted field'],
    ['a,b\n\n"q"x,1\n', 3, 'after a closing quote'],
  ])('reports %j at line %i', (text, line, message) => {
    expect(() => parseCsvText(text, 'bad.csv')).toThrow(DataFormatError);
    expect(() => parseCsvText(text, 'bad.csv')).toThrow(`bad.csv:${line}: `);
    expect(() => parseCsvText(text, 'bad.csv')).toThrow(message);
  });

  it('streams a file and drops a byte-order mark', async () => {
    const file = join(tempDir('icd-data-'), 'bom.csv');
    writeFileSync(file, '\uFEFFtext,codes\n"a, b",I10\n');
    const records = [];
    for await (const record of readCsvRecords(file)) records.push(record);
    expect(records).toEqual([
      { fields: ['text', 'codes'], line: 1 },
      { fields: ['a, b', 'I10'], line: 2 },
    ]);
  });
});
