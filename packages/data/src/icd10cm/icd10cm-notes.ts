/**
 * The instructional notes of the ICD-10-CM tabular list, by the XML element that holds them.
 *
 * @example
 * ```ts
 * ICD10CM_NOTE_KINDS.includes('inclusionTerm'); // true
 * ```
 */
export const ICD10CM_NOTE_KINDS = [
  'inclusionTerm',
  'includes',
  'excludes1',
  'excludes2',
  'codeFirst',
  'useAdditionalCode',
  'codeAlso',
  'notes',
  'sevenChrNote',
] as const;

/**
 * One kind of tabular note (`inclusionTerm`: synonyms; `excludes1`: never coded together; ...).
 *
 * @example
 * ```ts
 * const kind: Icd10CmNoteKind = 'excludes1';
 * ```
 */
export type Icd10CmNoteKind = (typeof ICD10CM_NOTE_KINDS)[number];

/**
 * The notes of one chapter, section or code, each kind a list of `<note>` texts (empty when absent).
 *
 * @example
 * ```ts
 * const notes: Icd10CmNotes = tabular.diagnoses.find((d) => d.code === 'I48.19')!.notes;
 * notes.inclusionTerm; // ['Chronic persistent atrial fibrillation', 'Persistent atrial fibrillation, NOS']
 * ```
 */
export type Icd10CmNotes = { readonly [kind in Icd10CmNoteKind]: readonly string[] };

/** A `<notes>` record with every kind present and empty. */
export function emptyNotes(): { [kind in Icd10CmNoteKind]: string[] } {
  return {
    inclusionTerm: [],
    includes: [],
    excludes1: [],
    excludes2: [],
    codeFirst: [],
    useAdditionalCode: [],
    codeAlso: [],
    notes: [],
    sevenChrNote: [],
  };
}

export function isNoteKind(name: string): name is Icd10CmNoteKind {
  return (ICD10CM_NOTE_KINDS as readonly string[]).includes(name);
}
