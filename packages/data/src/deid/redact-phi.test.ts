import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { redactPhi } from './redact-phi.js';

describe('redactPhi', () => {
  it('replaces identifiers with typed placeholders and returns the spans of the input', () => {
    const input = 'Seen by Dr. Alice Chen on 03/04/2021. Metoprolol 25 mg.';
    const { text, spans } = redactPhi(input);
    expect(text).toBe('Seen by Dr. [NAME] on [DATE]. Metoprolol 25 mg.');
    expect(spans).toEqual([
      { start: 12, end: 22, type: 'NAME', original: 'Alice Chen', replacement: '[NAME]' },
      { start: 26, end: 36, type: 'DATE', original: '03/04/2021', replacement: '[DATE]' },
    ]);
    for (const span of spans) expect(input.slice(span.start, span.end)).toBe(span.original);
  });

  it.each([
    ['Patient: John Smith, MRN: 12345678', 'Patient: [NAME], MRN: [ID]'],
    ['Call (555) 123-4567 or fax 555.987.6543.', 'Call [PHONE] or fax [PHONE].'],
    ['Mail j.smith@example.com or see https://portal.example.org/a?b=1.', 'Mail [EMAIL] or see [URL].'],
    ['Lives at 12 Baker Street, London NW1 6XE.', 'Lives at [ADDRESS].'],
    ['A 93-year-old man; his brother is 89 years old.', 'A [AGE] man; his brother is 89 years old.'],
    ['Admitted 14 March 2023, discharged on 2023-03-17.', 'Admitted [DATE], discharged on [DATE].'],
    [
      'His wife Mary was present. Signed by Robert Jones, MD',
      'His wife [NAME] was present. Signed by [NAME], MD',
    ],
    ['SSN 123-45-6789', 'SSN [ID]'],
  ])('%j', (input, expected) => {
    expect(redactPhi(input).text).toBe(expected);
  });

  it.each([
    'Known Wolff-Parkinson-White syndrome and Parkinson disease.',
    'BP 140/90 mmHg, INR 2.5, K 4.1, troponin 1,840 ng/L.',
    'Codes I48.0, I21.9, R57.0 and PCS 0210093, B2111ZZ.',
    'Murmur 3/6, power 4/5, LVEF 35%, RV/LV 1.2, PR 220 ms.',
    'Stokes-Adams attacks, Lown-Ganong-Levine, Graves disease, Takotsubo in 2018.',
    'Bisoprolol 2.5 mg, digoxin 62.5 micrograms, co-careldopa 25/100.',
    'A 67-year-old man, aged 54, CHA2DS2-VASc 4.',
    // False positives once found on CodiEsp case reports, kept as regressions:
    'Positive for cytokeratin 5/6/8/18 and vimentin.',
    'Gasometry: Ph: 7.13, pO2: 70 mmHg; knee extension 0-20 degrees.',
    'It is inappropriate to address the objective of abstinence.',
    'Referred to the General Surgery Department and the University Hospital laboratory.',
    'A plate (Smith & Nephew, United Kingdom) was used. This is a 54-year-old man.',
    'In case number 2, papilledema was observed.',
  ])('leaves clinical facts alone: %j', (input) => {
    expect(redactPhi(input)).toEqual({ text: input, spans: [] });
  });

  // The strings an outside probe of wave 1 found leaking or over-redacted (issue 11).
  it.each([
    ['MRN #: 1234567', 'MRN #: [ID]'],
    ['mrn: 7654321', 'mrn: [ID]'],
    ['PATIENT NAME: JOHN SMITH', 'PATIENT NAME: [NAME]'],
    ['Reviewed with Dr.Smith today.', 'Reviewed with Dr.[NAME] today.'],
    ['seen by dr smith in clinic', 'seen by dr [NAME] in clinic'],
    ['Mr. van der Berg was reviewed.', 'Mr. [NAME] was reviewed.'],
    ['John Smith, 68M, chest pain.', '[NAME], 68M, chest pain.'],
    ['Echo 2023/03/12: normal.', 'Echo [DATE]: normal.'],
    ['Upload from 192.168.14.203 and fe80::1ff:fe23:4567:890a.', 'Upload from [IP] and [IP].'],
    ['REFERRING PHYSICIAN: DR ALAN BROWN', 'REFERRING PHYSICIAN: DR [NAME]'],
    ['ADDRESS: 12 HIGH STREET, YORK YO1 7HF', 'ADDRESS: [ADDRESS]'],
  ])('English probe %j', (input, expected) => {
    expect(redactPhi(input).text).toBe(expected);
  });

  it.each([
    'Diagnosis by the Mayo Clinic criteria.',
    'Vaccine Lot 1234567890 recorded; batch no. 20240117 used.',
    'Version 1.2.3.4 of the device software; ratio 10:30.',
    'dr to review; mr and echo booked.',
    'Platelets 280.000/mm3 (150.000-400.000/mm3).',
    'compatible with a nodule of the sister Joseph.',
  ])('English facts that look like identifiers stay: %j', (input) => {
    expect(redactPhi(input)).toEqual({ text: input, spans: [] });
  });

  it.each([
    ['Paciente: Juan Pérez, NHC: 4471203.', 'Paciente: [NAME], NHC: [ID].'],
    ['Vive en Calle Mayor 12, 28013 Madrid.', 'Vive en [ADDRESS].'],
    ['Domicilio: Avenida de la Constitución 45', 'Domicilio: [ADDRESS]'],
    ['Valorada por la Dra. García López.', 'Valorada por la Dra. [NAME].'],
    [
      'Ingresa el 12 de marzo de 2023 en el Hospital Universitario La Paz.',
      'Ingresa el [DATE] en el [ADDRESS].',
    ],
    [
      'Mujer de 93 años; su hija Lucía, móvil 654 32 10 98.',
      'Mujer de [AGE]; su hija [NAME], móvil [PHONE].',
    ],
    ['DNI 12345678Z, NIE X1234567L, Tel.: +34 91 123 45 67', 'DNI [ID], NIE [ID], Tel.: [PHONE]'],
    ['Acude el Sr. De la Fuente con D. Antonio Ruiz Castillo.', 'Acude el Sr. [NAME] con D. [NAME].'],
    ['Paciente H.V.P.D., 16 años.', 'Paciente [NAME], 16 años.'],
  ])('Spanish, language es: %j', (input, expected) => {
    expect(redactPhi(input, { language: 'es' }).text).toBe(expected);
  });

  it.each([
    'Cumple criterios de Duke; síndrome de Wolff-Parkinson-White y enfermedad de Parkinson.',
    'Varón de 68 años, TA 160/95 mmHg, FC 98 lpm, Hb 10,5 g/dl, FEVI 35%.',
    'Plaquetas 501.000/μl (125.000-350.000), HCO3 13,2 mEq/l, leucocitos 17850 neutrófilos 86%.',
    'Valorada por Psiquiatría; ingresa en el Hospital de Día y en el Centro de Salud Mental.',
    'Corrección esférica de +0,50 D. Desapareció la inyección.',
    'Compatible con nódulo de la hermana María José.',
    'Heparina sódica 5.000 UI; CIE-10 I48.0; escala de Glasgow 15.',
  ])('Spanish facts stay, language es: %j', (input) => {
    expect(redactPhi(input, { language: 'es' })).toEqual({ text: input, spans: [] });
  });

  it('Spanish rules only with language es; an unknown language is refused', () => {
    const spanish = 'Paciente: Juan Pérez, 12 de marzo de 2023';
    expect(redactPhi(spanish).text).toBe(spanish);
    expect(redactPhi(spanish, { language: 'es' }).text).toBe('Paciente: [NAME], [DATE]');
    expect(() => redactPhi('x', { language: 'fr' as 'es' })).toThrow(InvalidArgumentError);
  });

  it('holds the RedactedSpan TSDoc example', () => {
    expect(redactPhi('Seen by Dr. Alice Chen.').spans).toEqual([
      { start: 12, end: 22, type: 'NAME', original: 'Alice Chen', replacement: '[NAME]' },
    ]);
  });

  it('redacts only the requested types, with custom placeholders', () => {
    const input = 'Dr. Ann Lee, 03/04/2021';
    expect(redactPhi(input, { types: ['DATE'] }).text).toBe('Dr. Ann Lee, [DATE]');
    expect(redactPhi(input, { placeholder: (type) => `<${type.toLowerCase()}>` }).text).toBe(
      'Dr. <name>, <date>',
    );
  });

  it('rejects bad input', () => {
    expect(() => redactPhi(5 as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => redactPhi('x', { types: ['SSN' as 'ID'] })).toThrow(InvalidArgumentError);
  });

  it('runs in linear time on adversarial input (no regex backtracking blow-up)', () => {
    const started = performance.now();
    redactPhi(`${'Aaaa '.repeat(20_000)}${'1 '.repeat(20_000)}${'a.'.repeat(20_000)}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
