// Phrase banks of the synthetic cardiology corpus: for each of the 13 MDR-BERT classes, what a discharge
// summary says about it. `{slot}` placeholders are filled with random values (see fill-template.ts).
// Written from standard presentations (ESC guidelines); invented, not taken from any patient record.

/** The finding slots of a note, in section order. */
export type FindingSlot = 'symptoms' | 'exam' | 'ecg' | 'labs' | 'imaging' | 'treatment' | 'course';

/** What a discharge summary of one class may say. */
export interface CardiologyProfile {
  readonly abbreviation: string;
  /** Ways of naming the disease: full names and the abbreviations clinicians write. */
  readonly names: readonly string[];
  readonly pools: Readonly<Record<FindingSlot, readonly string[]>>;
  /** Classes whose presentation overlaps (the study: ACS vs. hypertensive emergency vs. PE). */
  readonly confusable: readonly string[];
  /** The test that rules this class out when it is only a differential. */
  readonly ruledOutBy: readonly string[];
}

/** Builds a profile (keeps the phrase banks compact). */
export const profile = (
  abbreviation: string,
  names: string[],
  pools: Record<FindingSlot, string[]>,
  confusable: string[],
  ruledOutBy: string[],
): CardiologyProfile => ({ abbreviation, names, pools, confusable, ruledOutBy });
