import type { ClinicalNote, NoteSection } from '@icd/core';
import { DataFormatError, IcdError } from '@icd/core';
import { normalizeIcd10Code } from '../icd/normalize-icd10-code.js';

/**
 * How a generic loader turns the codes of a row into normalised codes.
 *
 * @example
 * ```ts
 * parseCsv(csv, { normalizeCode: (code) => code.trim() }); // keep ICD-9 codes as written
 * ```
 */
export interface CodeOptions {
  /**
   * Maps each raw code to its normalised form; throw to reject it. Default {@link normalizeIcd10Code}
   * (ICD-10-CM diagnoses). Pass `(code) => code.trim()` to keep another coding system as written.
   */
  readonly normalizeCode?: (code: string) => string;
}

/** Where a record came from, for error messages. */
export interface RecordSource {
  readonly file: string;
  readonly line: number;
}

/** Normalises and de-duplicates codes (first occurrence order), reporting a bad one with its line. */
export function normalizeCodes(
  codes: readonly string[],
  source: RecordSource,
  normalizeCode: (code: string) => string = normalizeIcd10Code,
): string[] {
  const seen = new Set<string>();
  for (const code of codes) {
    if (code.trim() === '') continue;
    let normalized: string;
    try {
      normalized = normalizeCode(code);
    } catch (error) {
      const reason = IcdError.isInstance(error) ? error.message : String(error);
      throw new DataFormatError({
        ...source,
        message: `invalid code ${JSON.stringify(code)}: ${reason}`,
        cause: error,
      });
    }
    seen.add(normalized);
  }
  return [...seen];
}

/** Checks a `sections` value: an array of `{ title, start, end }` inside the text. */
export function validateSections(value: unknown, textLength: number, source: RecordSource): NoteSection[] {
  if (!Array.isArray(value)) {
    throw new DataFormatError({ ...source, message: "'sections' must be an array of { title, start, end }" });
  }
  return value.map((section: unknown, index) => {
    const { title, start, end } = (section ?? {}) as Record<string, unknown>;
    if (
      typeof title !== 'string' ||
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      (start as number) < 0 ||
      (end as number) < (start as number) ||
      (end as number) > textLength
    ) {
      throw new DataFormatError({
        ...source,
        message: `sections[${index}] must be { title: string, start, end } with 0 <= start <= end <= ${textLength}, got ${JSON.stringify(section)}`,
      });
    }
    return { title, start: start as number, end: end as number };
  });
}

/** Builds a note from a parsed JSON object or CSV row, with every field checked. */
export function noteFromRecord(
  record: Record<string, unknown>,
  source: RecordSource,
  fallbackId: string,
  options: CodeOptions,
): ClinicalNote {
  const { id, text, codes, sections } = record;
  if (typeof text !== 'string') {
    throw new DataFormatError({ ...source, message: `'text' must be a string, got ${typeof text}` });
  }
  if (!Array.isArray(codes) || codes.some((code) => typeof code !== 'string')) {
    throw new DataFormatError({ ...source, message: "'codes' must be an array of strings" });
  }
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    throw new DataFormatError({ ...source, message: "'id' must be a string or a number when present" });
  }
  const note: ClinicalNote = {
    id: id === undefined || id === null || id === '' ? fallbackId : String(id),
    text,
    codes: normalizeCodes(codes as string[], source, options.normalizeCode),
    metadata: { file: source.file, line: source.line },
  };
  if (sections === undefined || sections === null || sections === '') return note;
  return { ...note, sections: validateSections(sections, text.length, source) };
}
