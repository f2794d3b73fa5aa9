import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClinicalNote, CodeEvidence, TextSpan } from '@icd/core';
import { assertOneOf, DataFormatError } from '@icd/core';
import { normalizeIcd10Code, normalizeIcd10PcsCode } from '../icd/normalize-icd10-code.js';
import { readLines } from '../io/read-lines.js';

/** Options of {@link loadCodiesp}. */
export interface LoadCodiespOptions {
  /** `'train'` (500 cases), `'dev'` (250), `'test'` (250, no labels) or `'background'` (2,751, no labels). */
  readonly split: 'train' | 'dev' | 'test' | 'background';
  /**
   * `'D'`: ICD-10-CM diagnosis codes (`<split>D.tsv`); `'P'`: ICD-10-PCS procedure codes (`<split>P.tsv`,
   * 4-character prefixes kept); `'X'`: both, with the evidence spans of `<split>X.tsv`. Default `'D'`.
   */
  readonly track?: 'D' | 'P' | 'X';
  /** `'en'` (machine translation, `text_files_en/`) or `'es'` (the original, `text_files/`). Default `'en'`. */
  readonly language?: 'en' | 'es';
}

interface CaseLabels {
  codes: string[];
  evidence: CodeEvidence[];
}

const LABELLED = new Set(['train', 'dev']);

function normalizeTrackCode(
  code: string,
  kind: 'diagnosis' | 'procedure',
  file: string,
  line: number,
): string {
  try {
    return kind === 'diagnosis'
      ? normalizeIcd10Code(code)
      : normalizeIcd10PcsCode(code, { allowPartial: true });
  } catch (error) {
    throw new DataFormatError({
      file,
      line,
      message: `invalid ${kind} code ${JSON.stringify(code)}`,
      cause: error,
    });
  }
}

function parseSpans(value: string, file: string, line: number): TextSpan[] {
  return value.split(';').map((part) => {
    const match = /^\s*(\d+) (\d+)\s*$/.exec(part);
    if (match === null || Number(match[2]) < Number(match[1])) {
      throw new DataFormatError({
        file,
        line,
        message: `expected offsets "start end[;start end]", got "${value}"`,
      });
    }
    return { start: Number(match[1]), end: Number(match[2]) };
  });
}

async function readLabels(file: string, track: 'D' | 'P' | 'X'): Promise<Map<string, CaseLabels>> {
  const labels = new Map<string, CaseLabels>();
  for await (const { text, line } of readLines(file)) {
    if (text === '') continue;
    const fields = text.split('\t');
    const expected = track === 'X' ? 5 : 2;
    if (fields.length !== expected) {
      throw new DataFormatError({
        file,
        line,
        message: `expected ${expected} tab-separated fields, got ${fields.length}`,
      });
    }
    const id = fields[0]!;
    const entry = labels.get(id) ?? { codes: [], evidence: [] };
    labels.set(id, entry);
    if (track === 'X') {
      const [, type, code, evidenceText, offsets] = fields as [string, string, string, string, string];
      if (type !== 'DIAGNOSTICO' && type !== 'PROCEDIMIENTO') {
        throw new DataFormatError({
          file,
          line,
          message: `expected DIAGNOSTICO or PROCEDIMIENTO, got "${type}"`,
        });
      }
      const kind = type === 'DIAGNOSTICO' ? 'diagnosis' : 'procedure';
      const normalized = normalizeTrackCode(code, kind, file, line);
      if (!entry.codes.includes(normalized)) entry.codes.push(normalized);
      entry.evidence.push({
        code: normalized,
        kind,
        text: evidenceText,
        spans: parseSpans(offsets, file, line),
      });
    } else {
      const normalized = normalizeTrackCode(
        fields[1]!,
        track === 'D' ? 'diagnosis' : 'procedure',
        file,
        line,
      );
      if (!entry.codes.includes(normalized)) entry.codes.push(normalized);
    }
  }
  return labels;
}

/**
 * Streams the notes of one CodiEsp split (CLEF eHealth 2020; Miranda-Escalada et al., 2020) from the
 * corpus folder (`dir/train/trainD.tsv`, `dir/train/text_files_en/<id>.txt`, ...). Notes come in file-name
 * order, one text file read at a time. Codes are normalised (`i10` → `I10`, `bw03zzz` → `BW03ZZZ`) and
 * de-duplicated; the unlabelled splits (`test`, `background`) give `codes: []`.
 *
 * With `track: 'X'`, `evidence` holds each (code, span) row: the offsets are `[start, end)` character
 * offsets into the SPANISH text (`text_files/`), whatever `language` is; `metadata.evidenceLanguage` says
 * so. A malformed label row, a code that is not ICD-10, or a labelled case without a text file is a
 * DataFormatError naming the file and line.
 *
 * @example
 * ```ts
 * for await (const note of loadCodiesp('../shared/data/codiesp', { split: 'train', track: 'D' })) {
 *   console.log(note.id, note.codes); // S0004-06142005000700014-1 ['N44.8', 'Z20.818', ...]
 * }
 * ```
 */
export async function* loadCodiesp(dir: string, options: LoadCodiespOptions): AsyncGenerator<ClinicalNote> {
  const { split, track = 'D', language = 'en' } = options ?? ({} as LoadCodiespOptions);
  assertOneOf('loadCodiesp', 'split', split, ['train', 'dev', 'test', 'background'] as const);
  assertOneOf('loadCodiesp', 'track', track, ['D', 'P', 'X'] as const);
  assertOneOf('loadCodiesp', 'language', language, ['en', 'es'] as const);
  const splitDir = join(dir, split);
  const textDir = join(splitDir, language === 'en' ? 'text_files_en' : 'text_files');
  const labelFile = join(splitDir, `${split}${track}.tsv`);
  let labels = new Map<string, CaseLabels>();
  if (LABELLED.has(split)) {
    if (!(await stat(labelFile).catch(() => undefined))?.isFile()) {
      throw new DataFormatError({
        file: labelFile,
        message: `CodiEsp ${split} labels for track ${track} not found`,
      });
    }
    labels = await readLabels(labelFile, track);
  }
  const names = (await readdir(textDir)).filter((name) => name.endsWith('.txt')).sort();
  const ids = new Set(names.map((name) => name.slice(0, -4)));
  for (const id of labels.keys()) {
    if (!ids.has(id)) {
      throw new DataFormatError({
        file: labelFile,
        message: `case ${id} has labels but no ${join(textDir, `${id}.txt`)}`,
      });
    }
  }
  // Read a few files ahead so the disk works while the consumer handles a note; order is kept and at
  // most READ_AHEAD texts wait in memory.
  const pending: Promise<string>[] = [];
  const READ_AHEAD = 16;
  const read = (name: string) => {
    const promise = readFile(join(textDir, name), 'utf8');
    promise.catch(() => undefined); // awaited below; this only spares an unhandled rejection if the consumer stops early
    return promise;
  };
  for (let next = 0; next < Math.min(READ_AHEAD, names.length); next++) pending.push(read(names[next]!));
  for (const [position, name] of names.entries()) {
    const id = name.slice(0, -4);
    const text = await pending.shift()!;
    const ahead = position + READ_AHEAD;
    if (ahead < names.length) pending.push(read(names[ahead]!));
    const entry = labels.get(id);
    const note: ClinicalNote = {
      id,
      text,
      codes: entry?.codes ?? [],
      language,
      metadata: { corpus: 'codiesp', split, track, file: join(textDir, name), evidenceLanguage: 'es' },
    };
    yield track === 'X' && entry !== undefined ? { ...note, evidence: entry.evidence } : note;
  }
}
