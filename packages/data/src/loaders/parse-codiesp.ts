import type { ClinicalNote, CodeEvidence, TextSpan } from '@icd/core';
import { assertOneOf, DataFormatError, invalidArgument } from '@icd/core';
import { normalizeIcd10Code, normalizeIcd10PcsCode } from '../icd/normalize-icd10-code.js';
import { splitLines } from '../io/lines.js';
import { decodeUtf8 } from '../io/utf8.js';

/**
 * Options of `loadCodiesp` (`@icd/data/node`) and {@link parseCodiEsp}.
 *
 * @example
 * ```ts
 * const options: LoadCodiespOptions = { split: 'dev', track: 'X', language: 'es' };
 * ```
 */
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

/**
 * The labels of one CodiEsp case read from a track file: codes in first-seen order and, for track X,
 * the evidence rows with the label-file line of each (for error messages).
 *
 * @example
 * ```ts
 * const labels = parseCodiEspTsv('S0004-1\tn44.8\n', { track: 'D' }).get('S0004-1');
 * labels?.codes; // ['N44.8']
 * ```
 */
export interface CodiEspCaseLabels {
  readonly codes: string[];
  readonly evidence: CodeEvidence[];
  /** `evidenceLines[i]` is the 1-based line of the label file that gave `evidence[i]`. */
  readonly evidenceLines: number[];
}

/** Checks and defaults the options of the CodiEsp readers. */
export function codiEspOptions(fn: string, options: LoadCodiespOptions) {
  const { split, track = 'D', language = 'en' } = options ?? ({} as LoadCodiespOptions);
  assertOneOf(fn, 'split', split, ['train', 'dev', 'test', 'background'] as const);
  assertOneOf(fn, 'track', track, ['D', 'P', 'X'] as const);
  assertOneOf(fn, 'language', language, ['en', 'es'] as const);
  return { split, track, language, labelled: split === 'train' || split === 'dev' };
}

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

/** Reads one line of a track file into `labels` (shared by {@link parseCodiEspTsv} and `loadCodiesp`). */
export function readCodiEspLabelLine(
  labels: Map<string, CodiEspCaseLabels>,
  text: string,
  line: number,
  file: string,
  track: 'D' | 'P' | 'X',
): void {
  if (text === '') return;
  const fields = text.split('\t');
  const expected = track === 'X' ? 5 : 2;
  if (fields.length !== expected) {
    throw new DataFormatError({
      file,
      line,
      message: `expected ${expected} tab-separated fields, got ${fields.length}`,
    });
  }
  const id = fields[0]!.trim();
  if (id === '') throw new DataFormatError({ file, line, message: 'the case id (first field) is empty' });
  const entry = labels.get(id) ?? { codes: [], evidence: [], evidenceLines: [] };
  labels.set(id, entry);
  if (track !== 'X') {
    const normalized = normalizeTrackCode(fields[1]!, track === 'D' ? 'diagnosis' : 'procedure', file, line);
    if (!entry.codes.includes(normalized)) entry.codes.push(normalized);
    return;
  }
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
  entry.evidence.push({ code: normalized, kind, text: evidenceText, spans: parseSpans(offsets, file, line) });
  entry.evidenceLines.push(line);
}

/**
 * Parses a CodiEsp track file held in memory (`trainD.tsv`, `devP.tsv`, `trainX.tsv`; string or UTF-8
 * bytes) into the labels of each case. Codes are normalised and de-duplicated; a malformed row or a code
 * that is not ICD-10 is a DataFormatError with the line.
 *
 * @example
 * ```ts
 * const labels = parseCodiEspTsv(tsvText, { track: 'X', file: 'trainX.tsv' });
 * labels.get('S0004-06142005000700014-1')?.evidence[0]; // { code: 'N44.8', kind: 'diagnosis', text, spans }
 * ```
 */
export function parseCodiEspTsv(
  input: string | Uint8Array,
  options: { readonly track: 'D' | 'P' | 'X'; readonly file?: string },
): Map<string, CodiEspCaseLabels> {
  const track = options?.track;
  assertOneOf('parseCodiEspTsv', 'track', track, ['D', 'P', 'X'] as const);
  const file = options.file ?? 'input';
  const labels = new Map<string, CodiEspCaseLabels>();
  for (const { text, line } of splitLines(decodeUtf8(input, file)))
    readCodiEspLabelLine(labels, text, line, file, track);
  return labels;
}

/**
 * Refuses evidence whose offsets end past the Spanish text they point into (the X-track offsets are
 * into `text_files/<id>.txt` whatever the note's language), naming the label file and line.
 */
export function checkEvidenceOffsets(
  id: string,
  labels: CodiEspCaseLabels,
  spanishText: string,
  file: string,
): void {
  labels.evidence.forEach((evidence, index) => {
    for (const span of evidence.spans) {
      if (span.end > spanishText.length) {
        throw new DataFormatError({
          file,
          line: labels.evidenceLines[index],
          message: `case ${id}: the span ${span.start} ${span.end} of ${evidence.code} ends past the Spanish text (${spanishText.length} characters)`,
        });
      }
    }
  });
}

/** Builds the note of one case (shared by {@link parseCodiEsp} and `loadCodiesp`). */
export function codiEspNote(
  id: string,
  text: string,
  labels: CodiEspCaseLabels | undefined,
  options: { split: string; track: 'D' | 'P' | 'X'; language: 'en' | 'es'; file?: string },
): ClinicalNote {
  const { split, track, language, file } = options;
  const note: ClinicalNote = {
    id,
    text,
    codes: labels?.codes ?? [],
    language,
    metadata: {
      corpus: 'codiesp',
      split,
      track,
      ...(file === undefined ? {} : { file }),
      evidenceLanguage: 'es',
    },
  };
  return track === 'X' && labels !== undefined ? { ...note, evidence: labels.evidence } : note;
}

/**
 * Texts by case id, as a Map or a plain object (strings, or UTF-8 bytes decoded strictly).
 *
 * @example
 * ```ts
 * const texts: CodiEspTexts = { 'S0004-06142005000700014-1': 'Varón de 37 años ...' };
 * ```
 */
export type CodiEspTexts =
  | ReadonlyMap<string, string | Uint8Array>
  | Readonly<Record<string, string | Uint8Array>>;

/**
 * Builds the notes of one CodiEsp split from files held in memory (for browsers, or files fetched by
 * URL): `texts` by case id, the track file `labels` for the labelled splits, and for track X with
 * `language: 'en'` the Spanish `spanishTexts` too, since the evidence offsets point into them. Notes come
 * in id order; the same checks as `loadCodiesp` of `@icd/data/node` (labels without a text, offsets past
 * the end of the text, invalid UTF-8).
 *
 * @example
 * ```ts
 * const notes = parseCodiEsp({ split: 'train', track: 'D', labels: trainDTsv, texts: { 'S0004-1': 'Varón de 37 años...' } });
 * ```
 */
export function parseCodiEsp(
  options: LoadCodiespOptions & {
    readonly labels?: string | Uint8Array;
    readonly texts: CodiEspTexts;
    readonly spanishTexts?: CodiEspTexts;
  },
): ClinicalNote[] {
  const { split, track, language, labelled } = codiEspOptions('parseCodiEsp', options);
  const texts = toMap(options.texts, 'texts');
  const labelFile = `${split}${track}.tsv`;
  if (labelled && options.labels === undefined)
    invalidArgument('parseCodiEsp', 'labels', `the ${labelFile} text for a labelled split`, undefined);
  const labels = labelled ? parseCodiEspTsv(options.labels!, { track, file: labelFile }) : new Map();
  const spanish =
    track === 'X' ? (language === 'es' ? texts : toMap(options.spanishTexts, 'spanishTexts')) : texts;
  for (const id of labels.keys()) {
    if (!texts.has(id))
      throw new DataFormatError({ file: labelFile, message: `case ${id} has labels but no text` });
  }
  return [...texts.keys()].sort().map((id) => {
    const text = decodeUtf8(texts.get(id)!, `${id}.txt`);
    const entry = labels.get(id);
    if (track === 'X' && entry !== undefined) {
      const source = spanish.get(id);
      if (source === undefined)
        invalidArgument('parseCodiEsp', 'spanishTexts', `a Spanish text for case ${id}`, undefined);
      checkEvidenceOffsets(id, entry, language === 'es' ? text : decodeUtf8(source, `${id}.txt`), labelFile);
    }
    return codiEspNote(id, text, entry, { split, track, language });
  });
}

function toMap(value: CodiEspTexts | undefined, argument: string): ReadonlyMap<string, string | Uint8Array> {
  if (value instanceof Map) return value;
  if (value === null || typeof value !== 'object')
    invalidArgument('parseCodiEsp', argument, 'a Map or an object of texts by case id', value);
  return new Map(Object.entries(value as Record<string, string | Uint8Array>));
}
