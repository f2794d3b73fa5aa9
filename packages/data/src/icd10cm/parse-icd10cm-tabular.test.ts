import { DataFormatError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { TABULAR_XML } from './fixture-text.js';
import { parseIcd10CmTabular } from './parse-icd10cm-tabular.js';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

describe('parseIcd10CmTabular', () => {
  it('reads chapters, sections and diagnoses with parents, notes and seventh characters', async () => {
    const tabular = await parseIcd10CmTabular(TABULAR_XML);
    expect(tabular.version).toBe('2021');
    expect(tabular.chapters.map((c) => [c.chapter, c.description])).toEqual([
      [9, 'Diseases of the circulatory system (I00-I99)'],
      [19, 'Injury, poisoning and certain other consequences of external causes (S00-T88)'],
    ]);
    expect(tabular.chapters[0]!.notes.excludes2).toEqual([
      'certain conditions originating in the perinatal period (P04-P96)',
    ]);
    expect(tabular.sections.map((s) => [s.id, s.chapter])).toEqual([
      ['I30-I5A', 9],
      ['S70-S79', 19],
    ]);
    expect(tabular.diagnoses.map((d) => d.code)).toEqual([
      'I48',
      'I48.0',
      'I48.1',
      'I48.11',
      'I48.19',
      'S72',
      'S72.0',
      'S72.00',
      'S72.001',
    ]);
    const i4819 = tabular.diagnoses[4]!;
    expect(i4819).toMatchObject({
      code: 'I48.19',
      description: 'Other persistent atrial fibrillation',
      parent: 'I48.1',
      chapter: 9,
      section: 'I30-I5A',
    });
    expect(i4819.notes.inclusionTerm).toEqual([
      'Chronic persistent atrial fibrillation',
      'Persistent atrial fibrillation, NOS',
    ]);
    expect(tabular.diagnoses[0]!.parent).toBeUndefined();
    expect(tabular.diagnoses[2]!.notes.excludes1).toEqual(['Permanent atrial fibrillation (I48.21)']);
    // A note belongs to its own <diag> only, never to the enclosing one.
    expect(tabular.diagnoses[2]!.notes.inclusionTerm).toEqual([]);
    const s72 = tabular.diagnoses[5]!;
    expect(s72.seventhCharacters).toEqual([
      { character: 'A', description: 'initial encounter for closed fracture' },
      { character: 'B', description: 'initial encounter for open fracture type I or II' },
    ]);
    expect(s72.notes.sevenChrNote).toHaveLength(1);
    expect(tabular.diagnoses[8]!.seventhCharacters).toEqual([]);
  });

  it('names the file and the line of invalid UTF-8, whole or in 7-byte chunks', async () => {
    const bytes = new TextEncoder().encode(TABULAR_XML);
    const cut = bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1; // start of line 3
    const bad = new Uint8Array([...bytes.subarray(0, cut), 0x3c, 0xff, ...bytes.subarray(cut)]);
    for (const source of [bad, chunksOf(bad, 7)]) {
      const error = await parseIcd10CmTabular(source, { file: 't.xml' }).catch((caught) => caught);
      expect(DataFormatError.isInstance(error)).toBe(true);
      expect([error.file, error.line]).toEqual(['t.xml', 3]);
      expect(error.message).toContain('invalid UTF-8');
    }
  });

  it('gives the same result from 7-byte chunks (split inside tags and characters) and a ReadableStream', async () => {
    const text = TABULAR_XML.replace('Fracture of femur', 'Fracture of fémur ñ');
    const whole = await parseIcd10CmTabular(text);
    const bytes = new TextEncoder().encode(text);
    expect(await parseIcd10CmTabular(chunksOf(bytes, 7))).toEqual(whole);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let start = 0; start < bytes.length; start += 100)
          controller.enqueue(bytes.slice(start, start + 100));
        controller.close();
      },
    });
    expect(await parseIcd10CmTabular(stream)).toEqual(whole);
    expect(whole.diagnoses[5]!.description).toBe('Fracture of fémur ñ');
  });

  it('reports malformed XML, a wrong root and a bad code with file and line', async () => {
    const broken = TABULAR_XML.replace(
      '</desc>\n        <diag>\n          <name>I48.0',
      '</dsc>\n        <diag>\n          <name>I48.0',
    );
    await expect(parseIcd10CmTabular(broken, { file: 't.xml' })).rejects.toThrow(DataFormatError);
    await expect(parseIcd10CmTabular(broken, { file: 't.xml' })).rejects.toThrow(/^t\.xml:20: malformed/);
    await expect(parseIcd10CmTabular('<root/>')).rejects.toThrow('expected an <ICD10CM.tabular> document');
    await expect(parseIcd10CmTabular('')).rejects.toThrow(DataFormatError);
    const badCode = TABULAR_XML.replace('<name>I48.11</name>', '<name>1 48</name>');
    await expect(parseIcd10CmTabular(badCode, { file: 't.xml' })).rejects.toThrow(
      "t.xml:31: <diag> name '1 48' is not an ICD-10-CM code",
    );
  });
});
