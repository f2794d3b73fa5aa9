/**
 * One label of the MDR-BERT cardiovascular task and how its code reads in ICD-10-CM.
 *
 * @example
 * ```ts
 * const label = MDR_BERT_CODES.find(({ abbreviation }) => abbreviation === 'HE')!;
 * // { code: 'I10.1', name: 'Hypertensive emergency', icd10Cm: { title: null, billable: false, ... } }
 * ```
 */
export interface MdrBertCode {
  /** The code as the study lists it (Zhuang et al. 2025, Table 1). */
  readonly code: string;
  /** The disease name as the study lists it. */
  readonly name: string;
  /** The study's abbreviation. */
  readonly abbreviation: string;
  /** The code in ICD-10-CM (FY2026): its title (`null` when the code does not exist) and whether it is billable. */
  readonly icd10Cm: {
    readonly title: string | null;
    readonly billable: boolean;
    /** Where the study's label and ICD-10-CM part ways, and which CM code fits the disease. */
    readonly note: string;
  };
}

const entry = (
  code: string,
  name: string,
  abbreviation: string,
  title: string | null,
  billable: boolean,
  note: string,
): MdrBertCode => ({ code, name, abbreviation, icd10Cm: { title, billable, note } });

/**
 * The 13 cardiovascular ICD-10 codes of the MDR-BERT study (Zhuang et al., JMIR Med Inform
 * 2025;13:e63020, Table 1), in the study's order, with names and abbreviations exactly as listed. The
 * study coded with a hospital ICD-10 edition, not ICD-10-CM: `icd10Cm` records where the two differ
 * (I10.1 does not exist in ICD-10-CM, whose hypertensive emergency is I16.1; I71.0, I26.0, I47.2 and I50.2
 * are non-billable subcategory headers in ICD-10-CM; I20.9, I51.4 and I48.0 name narrower or other
 * diseases there). Every three-character category is checked against the CDC categories file in the tests.
 *
 * @example
 * ```ts
 * MDR_BERT_CODES.map((label) => label.abbreviation); // ['AF', 'AMI', 'IE', ..., 'TAB']
 * ```
 */
export const MDR_BERT_CODES: readonly MdrBertCode[] = [
  entry(
    'I48.0',
    'Atrial fibrillation',
    'AF',
    'Paroxysmal atrial fibrillation',
    true,
    'Narrower in ICD-10-CM: I48.0 is paroxysmal AF only; persistent is I48.1x, permanent I48.21, unspecified I48.91.',
  ),
  entry(
    'I21.9',
    'Acute myocardial infarction',
    'AMI',
    'Acute myocardial infarction, unspecified',
    true,
    'Same meaning.',
  ),
  entry(
    'I33.0',
    'Infective endocarditis',
    'IE',
    'Acute and subacute infective endocarditis',
    true,
    'Same meaning.',
  ),
  entry(
    'I50.1',
    'Acute left heart failure',
    'ALHF',
    'Left ventricular failure, unspecified',
    true,
    'ICD-10-CM I50.1 does not say acute; the acuity is coded only under I50.2x-I50.4x.',
  ),
  entry(
    'I20.9',
    'Acute coronary syndrome',
    'ACS',
    'Angina pectoris, unspecified',
    true,
    'Differs: ICD-10-CM I20.9 is unspecified angina; its index sends "syndrome, coronary, acute" to I24.9.',
  ),
  entry(
    'I71.0',
    'Acute aortic dissection',
    'AAD',
    'Dissection of aorta',
    false,
    'Not billable in ICD-10-CM since FY2023: a header over I71.00-I71.03 (unspecified, thoracic, abdominal, thoracoabdominal).',
  ),
  entry(
    'I10.1',
    'Hypertensive emergency',
    'HE',
    null,
    false,
    'Does not exist in ICD-10-CM (I10 takes no fourth character); ICD-10-CM codes hypertensive emergency as I16.1 (category I16, hypertensive crisis).',
  ),
  entry(
    'I26.0',
    'Acute pulmonary embolism',
    'APE',
    'Pulmonary embolism with acute cor pulmonale',
    false,
    'Narrower and not billable in ICD-10-CM: a header over I26.01-I26.09; acute PE without cor pulmonale is I26.9x.',
  ),
  entry(
    'I51.4',
    'Acute myocarditis',
    'AM',
    'Myocarditis, unspecified',
    true,
    'Differs: ICD-10-CM codes acute myocarditis in category I40 (I40.9 unspecified); I51.4 is myocarditis without acuity.',
  ),
  entry(
    'I47.2',
    'Ventricular tachycardia',
    'VT',
    'Ventricular tachycardia',
    false,
    'Not billable in ICD-10-CM since FY2023: a header over I47.20, I47.21 (torsades de pointes) and I47.29.',
  ),
  entry(
    'R57.0',
    'Cardiogenic shock',
    'CS',
    'Cardiogenic shock',
    true,
    'Same meaning; chapter 18 (symptoms and signs), not chapter 9.',
  ),
  entry(
    'I50.2',
    'Acute heart failure',
    'AHF',
    'Systolic (congestive) heart failure',
    false,
    'Differs: ICD-10-CM I50.2 is systolic heart failure, a header over I50.20-I50.23 (I50.21 acute systolic).',
  ),
  entry(
    'I44.2',
    'Third-degree atrioventricular block',
    'TAB',
    'Atrioventricular block, complete',
    true,
    'Same meaning.',
  ),
];
