import type { CodePrediction, Evidence, NotePrediction } from '@icd/core';
import { invalidArgument } from '@icd/core';
import { ICD10CM_SYSTEM } from '../model-folder/code-set.js';

/** The extension on each `Condition.evidence` that holds the span: offsets, text, source, score. */
export const EVIDENCE_SPAN_EXTENSION = 'urn:icd:fhir:StructureDefinition:evidence-span';
/** The extension on each `Condition` that holds the coder's score and the threshold it passed. */
export const CODING_SCORE_EXTENSION = 'urn:icd:fhir:StructureDefinition:coding-score';

/**
 * Where a display comes from: a `code → display` map, or a table with `get(code)` returning an entry
 * with a `longDescription` (`@icd/data`'s `Icd10CmTable`) or a `display`.
 */
export type CodeDisplayTable =
  | ReadonlyMap<string, string>
  | { get(code: string): { readonly longDescription?: string; readonly display?: string } | undefined };

/** The patient of a note: a FHIR reference (`Patient/123`) with an optional display. */
export type PatientReference = string | { readonly reference: string; readonly display?: string };

/**
 * Options of {@link toFhirBundle}.
 *
 * @example
 * ```ts
 * const options: FhirBundleOptions = { patientReference: 'Patient/123', codeTable: icd10cm, noteReference: 'DocumentReference/n1' };
 * ```
 */
export interface FhirBundleOptions {
  /**
   * The patient, which R4 requires as `Condition.subject` (`Patient/<id>`, or a `Group/<id>`, as a relative or
   * absolute reference or a `urn:uuid:`): a bundle is refused without one.
   */
  readonly patientReference: PatientReference;
  /** Displays of the codes; a code without one is refused (only valid codes of the code set are emitted). */
  readonly codeTable: CodeDisplayTable;
  /** Code system URI (default ICD-10-CM, `http://hl7.org/fhir/sid/icd-10-cm`). */
  readonly system?: string;
  /** A reference to the note (e.g. `DocumentReference/<id>`), put in each `evidence.detail`. */
  readonly noteReference?: string;
  /** Also write codes that were scored but not predicted (default false). */
  readonly includeNotPredicted?: boolean;
  /** `Condition.recordedDate` and `Bundle.timestamp` (default: now). */
  readonly recordedDate?: Date;
  /** Makes `fullUrl` uuids (default `crypto.randomUUID`). */
  readonly uuid?: () => string;
}

const REFERENCE = /^((https?:\/\/\S+\/)?[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}|urn:uuid:[0-9a-f-]{36})$/;
// R4 Condition.subject is Reference(Patient | Group): a Practitioner/... reference is not a subject.
const SUBJECT = /^((https?:\/\/\S+\/)?(Patient|Group)\/[A-Za-z0-9\-.]{1,64}|urn:uuid:[0-9a-f-]{36})$/;

function displayOf(table: CodeDisplayTable, code: string): string | undefined {
  const value = table.get(code) ?? table.get(code.toUpperCase());
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return value.longDescription ?? value.display;
  return undefined;
}

function evidenceElement(span: Evidence, noteReference: string | undefined) {
  const parts: { url: string; [value: string]: unknown }[] = [
    { url: 'start', valueInteger: span.start },
    { url: 'end', valueInteger: span.end },
    { url: 'text', valueString: span.text },
    { url: 'source', valueCode: span.source },
    { url: 'score', valueDecimal: Number.isFinite(span.score) ? span.score : 0 },
  ];
  if (span.negated) parts.push({ url: 'negated', valueBoolean: true });
  if (span.uncertain) parts.push({ url: 'uncertain', valueBoolean: true });
  return {
    extension: [{ url: EVIDENCE_SPAN_EXTENSION, extension: parts }],
    detail: [{ ...(noteReference ? { reference: noteReference } : {}), display: span.text }],
  };
}

function condition(code: CodePrediction, display: string, options: FhirBundleOptions, recorded: string) {
  const subject =
    typeof options.patientReference === 'string'
      ? { reference: options.patientReference }
      : {
          reference: options.patientReference.reference,
          ...(options.patientReference.display ? { display: options.patientReference.display } : {}),
        };
  const evidence = code.evidence
    .filter((span) => span.text.trim().length > 0)
    .map((span) => evidenceElement(span, options.noteReference));
  return {
    resourceType: 'Condition' as const,
    extension: [
      {
        url: CODING_SCORE_EXTENSION,
        extension: [
          { url: 'score', valueDecimal: code.score },
          { url: 'threshold', valueDecimal: code.threshold },
        ],
      },
    ],
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
          code: 'provisional',
          display: 'Provisional',
        },
      ],
    },
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/condition-category',
            code: 'encounter-diagnosis',
            display: 'Encounter Diagnosis',
          },
        ],
      },
    ],
    code: { coding: [{ system: options.system ?? ICD10CM_SYSTEM, code: code.code, display }], text: display },
    subject,
    recordedDate: recorded,
    ...(evidence.length > 0 ? { evidence } : {}),
    note: [
      {
        text: `Suggested by an automatic ICD coder (score ${code.score.toFixed(4)}, threshold ${code.threshold.toFixed(4)}); to be confirmed by a coder.`,
      },
    ],
  };
}

/**
 * One note's prediction as a FHIR R4 `Bundle` (type `collection`) of `Condition` resources, one per
 * predicted code: `code` a `CodeableConcept` in the ICD-10-CM system with the table's display,
 * `verificationStatus` provisional, category encounter-diagnosis, `subject` the patient (required:
 * an `InvalidArgumentError` without one), the score and threshold in an extension
 * ({@link CODING_SCORE_EXTENSION}), and each evidence span as a `Condition.evidence` whose `detail`
 * references the note (display: the span's text) and whose extension ({@link EVIDENCE_SPAN_EXTENSION})
 * holds the offsets, text, source (attention, dictionary, keyword, sentence) and score.
 *
 * @example
 * ```ts
 * const bundle = toFhirBundle(prediction, { patientReference: 'Patient/123', codeTable: icd10cmTable });
 * bundle.entry[0].resource.code.coding[0]; // { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I48.91', display: 'Unspecified atrial fibrillation' }
 * ```
 */
export function toFhirBundle(prediction: NotePrediction, options: FhirBundleOptions) {
  const fn = 'toFhirBundle';
  if (typeof prediction?.noteId !== 'string' || !Array.isArray(prediction.ranked))
    invalidArgument(fn, 'prediction', 'a NotePrediction { noteId, ranked }', prediction);
  const reference =
    typeof options?.patientReference === 'string'
      ? options.patientReference
      : options?.patientReference?.reference;
  if (typeof reference !== 'string' || !SUBJECT.test(reference))
    invalidArgument(
      fn,
      'patientReference',
      'a patient reference such as "Patient/123" (FHIR R4 requires Condition.subject, a Patient or a Group)',
      options?.patientReference,
    );
  if (typeof options.codeTable?.get !== 'function')
    invalidArgument(fn, 'codeTable', 'a code → display map or a code table', options.codeTable);
  if (options.noteReference !== undefined && !REFERENCE.test(options.noteReference))
    invalidArgument(fn, 'noteReference', 'a reference such as "DocumentReference/n1"', options.noteReference);
  const recorded = (options.recordedDate ?? new Date()).toISOString();
  const uuid = options.uuid ?? (() => globalThis.crypto.randomUUID());
  const entry = prediction.ranked
    .filter((code) => code.predicted || options.includeNotPredicted)
    .map((code) => {
      const display = displayOf(options.codeTable, code.code);
      if (display === undefined)
        invalidArgument(
          fn,
          'prediction.ranked',
          `codes of the code table (${code.code} is not in it)`,
          code.code,
        );
      return { fullUrl: `urn:uuid:${uuid()}`, resource: condition(code, display, options, recorded) };
    });
  return {
    resourceType: 'Bundle' as const,
    type: 'collection' as const,
    timestamp: recorded,
    identifier: { system: 'urn:icd:note-id', value: prediction.noteId },
    entry,
  };
}

/** The type {@link toFhirBundle} returns. */
export type FhirBundle = ReturnType<typeof toFhirBundle>;
