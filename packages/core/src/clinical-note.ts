/** A character span of a note, `[start, end)` in UTF-16 code units of `ClinicalNote.text`. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** A titled part of a note (e.g. "History of present illness"), as a span of its text. */
export interface NoteSection extends TextSpan {
  readonly title: string;
}

/** A passage of a note that justifies one of its codes (CodiEsp-X evidence). */
export interface CodeEvidence {
  readonly code: string;
  /** The spans that support the code; discontinuous mentions have several. */
  readonly spans: readonly TextSpan[];
  /** The evidence text as the annotators wrote it. */
  readonly text: string;
  /** `'diagnosis'` (ICD-10-CM) or `'procedure'` (ICD-10-PCS). */
  readonly kind: 'diagnosis' | 'procedure';
}

/**
 * One clinical document and its gold codes: what every loader returns and every model consumes.
 *
 * Codes are normalised ICD-10 strings (upper case, with the dot: `I48.0`). A note without gold codes
 * (an unlabelled pretraining corpus, a note to predict) has `codes: []`.
 *
 * @example
 * ```ts
 * const note: ClinicalNote = { id: 'S0004-06142005000500011-1', text: 'A 67-year-old man ...', codes: ['I48.0'] };
 * ```
 */
export interface ClinicalNote {
  readonly id: string;
  readonly text: string;
  readonly codes: readonly string[];
  /** ISO 639-1 language of `text` (`'en'`, `'es'`), when known. */
  readonly language?: string;
  readonly sections?: readonly NoteSection[];
  /** Evidence spans for codes (CodiEsp-X); offsets refer to the text they were annotated on. */
  readonly evidence?: readonly CodeEvidence[];
  /** Anything else a loader knows (source file, admission id, ...). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}
