import { type CardiologyProfile, profile as p } from './cardiology-profile.js';

/** Profiles of AMI, ACS, aortic dissection, hypertensive emergency, PE, endocarditis and myocarditis. */
export const ISCHAEMIC_VASCULAR_INFLAMMATORY_PROFILES: Readonly<Record<string, CardiologyProfile>> = {
  AMI: p(
    'AMI',
    ['acute myocardial infarction', 'AMI', 'NSTEMI', 'STEMI', 'acute MI', 'an inferior STEMI'],
    {
      symptoms: [
        'central crushing chest pain radiating to the left arm',
        'chest tightness with sweating and nausea',
        'chest pain at rest for {hours} hours',
        'epigastric pain and vomiting',
      ],
      exam: [
        'diaphoretic and distressed',
        'normal heart sounds, chest clear',
        'BP {sbp}/{dbp} mmHg, HR {hrMild}',
      ],
      ecg: [
        'ST elevation in II, III and aVF',
        'ST depression in V4-V6',
        'new Q waves in the inferior leads',
        'T-wave inversion in V1-V4',
      ],
      labs: [
        'hs-troponin rose from {tropLow} to {tropHigh} ng/L',
        'CK {ck} U/L',
        'LDL {ldl} mmol/L',
        'HbA1c {hba1c} mmol/mol',
      ],
      imaging: [
        'angiography showed an occluded {vessel}, treated with a drug-eluting stent',
        'TTE showed regional wall motion abnormality with LVEF {efMild}%',
      ],
      treatment: [
        'aspirin 300 mg and ticagrelor 180 mg loading',
        'primary PCI',
        'atorvastatin 80 mg',
        'fondaparinux 2.5 mg',
        'cardiac rehabilitation referral',
      ],
      course: [
        'pain free after revascularisation',
        'peak troponin {tropHigh} ng/L on day {day}',
        'mobilised on day {day}',
      ],
    },
    ['ACS', 'CS', 'AHF'],
    ['serial troponins', 'coronary angiography'],
  ),
  IE: p(
    'IE',
    ['infective endocarditis', 'IE', 'bacterial endocarditis', 'native valve endocarditis'],
    {
      symptoms: [
        'fevers and night sweats for {weeks} weeks',
        'malaise and weight loss',
        'rigors',
        'fatigue and joint pains',
      ],
      exam: [
        'a new pansystolic murmur',
        'splinter haemorrhages',
        'Janeway lesions on the soles',
        'temperature {temp} °C',
      ],
      ecg: ['sinus tachycardia', 'a prolonged PR interval of {pr} ms', 'sinus rhythm, no acute changes'],
      labs: [
        'blood cultures grew {organism} in {cultures}/3 sets',
        'CRP {crp} mg/L',
        'WCC {wcc} x10^9/L',
        'microscopic haematuria',
      ],
      imaging: [
        'TOE showed a {veg} mm vegetation on the {valve} valve',
        'TTE showed a mobile echodensity with moderate regurgitation',
      ],
      treatment: [
        'IV {antibiotic}',
        'six weeks of IV antibiotics via a PICC line',
        'referral to the endocarditis team for valve surgery',
        'dental review',
      ],
      course: ['fever settled by day {day}', 'repeat cultures were sterile', 'CRP fell to {crpLow} mg/L'],
    },
    ['AM', 'AHF'],
    ['TOE', 'blood cultures'],
  ),
  ACS: p(
    'ACS',
    ['acute coronary syndrome', 'ACS', 'unstable angina', 'crescendo angina'],
    {
      symptoms: [
        'chest pain on minimal exertion',
        'episodes of chest tightness at rest',
        'crescendo angina over {days} days',
        'chest pain with breathlessness',
      ],
      exam: ['comfortable at rest', 'BP {sbp}/{dbp} mmHg', 'heart sounds normal'],
      ecg: ['dynamic T-wave changes', 'no ST elevation', 'transient ST depression during pain'],
      labs: ['serial troponins {tropLow} and {tropLow} ng/L', 'D-dimer {ddimerLow} mg/L', 'LDL {ldl} mmol/L'],
      imaging: [
        'angiography showed a {pct}% stenosis of the {vessel}',
        'CT coronary angiogram showed significant disease',
      ],
      treatment: [
        'dual antiplatelet therapy',
        'fondaparinux',
        'a GTN infusion',
        'bisoprolol {biso} mg',
        'PCI to the {vessel}',
      ],
      course: ['no further pain after day {day}', 'GRACE score {grace}', 'angiography on day {day}'],
    },
    ['AMI', 'HE', 'APE'],
    ['serial troponins', 'angiography'],
  ),
  AAD: p(
    'AAD',
    ['acute aortic dissection', 'type A aortic dissection', 'type B aortic dissection', 'AAD'],
    {
      symptoms: [
        'sudden tearing chest pain radiating to the back',
        'interscapular pain',
        'syncope with chest pain',
        'abdominal and back pain',
      ],
      exam: [
        'a BP difference between the arms of {armDiff} mmHg',
        'a new early diastolic murmur',
        'an absent left radial pulse',
        'BP {sbpHigh}/{dbpHigh} mmHg',
      ],
      ecg: ['no acute ischaemic changes', 'left ventricular hypertrophy', 'sinus tachycardia'],
      labs: ['D-dimer {ddimerHigh} mg/L', 'lactate {lactate} mmol/L', 'creatinine {creat} µmol/L'],
      imaging: [
        'CT aortogram showed an intimal flap from the aortic root to the arch',
        'CT showed a dissection flap distal to the left subclavian artery',
        'CXR showed a widened mediastinum',
      ],
      treatment: [
        'IV labetalol to a systolic BP below 120 mmHg',
        'emergency surgical repair',
        'TEVAR',
        'morphine for analgesia',
      ],
      course: ['transferred to cardiothoracic surgery', 'BP controlled on oral agents by day {day}'],
    },
    ['HE', 'ACS', 'AMI'],
    ['CT aortogram', 'TOE'],
  ),
  HE: p(
    'HE',
    ['hypertensive emergency', 'hypertensive crisis', 'malignant hypertension', 'HE'],
    {
      symptoms: [
        'severe headache and blurred vision',
        'chest pain and breathlessness',
        'confusion and headache',
        'epistaxis',
        'palpitations',
      ],
      exam: [
        'BP {sbpHigh}/{dbpHigh} mmHg',
        'grade III hypertensive retinopathy',
        'bibasal crackles',
        'no focal neurology',
      ],
      ecg: ['left ventricular hypertrophy with strain', 'sinus tachycardia', 'lateral T-wave inversion'],
      labs: [
        'creatinine {creat} µmol/L',
        'urine protein 2+',
        'troponin mildly raised at {tropLow} ng/L',
        'LDH raised',
      ],
      imaging: [
        'CT head showed no haemorrhage',
        'CXR showed pulmonary congestion',
        'echo showed concentric LVH',
      ],
      treatment: [
        'an IV labetalol infusion',
        'a GTN infusion',
        'mean arterial pressure lowered by 25% in the first hour',
        'amlodipine and ramipril',
      ],
      course: ['BP {sbp}/{dbp} mmHg by day {day}', 'headache resolved', 'renal function improved'],
    },
    ['ACS', 'APE', 'AAD', 'ALHF'],
    ['CT head', 'fundoscopy'],
  ),
  APE: p(
    'APE',
    ['acute pulmonary embolism', 'PE', 'pulmonary embolism', 'APE', 'bilateral pulmonary emboli'],
    {
      symptoms: [
        'sudden pleuritic chest pain',
        'acute breathlessness',
        'haemoptysis',
        'syncope',
        'a swollen left calf',
      ],
      exam: ['RR {rr}/min', 'SpO2 {spo2Low}% on air', 'a swollen, tender left calf', 'HR {hrMild} bpm'],
      ecg: [
        'sinus tachycardia with an S1Q3T3 pattern',
        'right bundle branch block',
        'T-wave inversion in V1-V3',
      ],
      labs: [
        'D-dimer {ddimerHigh} mg/L FEU',
        'troponin {tropLow} ng/L',
        'ABG showed type 1 respiratory failure',
      ],
      imaging: [
        'CTPA showed filling defects in both main pulmonary arteries',
        'echo showed a dilated right ventricle, RV/LV ratio {rvlv}',
        'Doppler showed a DVT in the left popliteal vein',
      ],
      treatment: [
        'therapeutic enoxaparin',
        'thrombolysis with alteplase',
        'apixaban for 3 months',
        'supplemental oxygen',
      ],
      course: ['oxygen weaned by day {day}', 'RV function improved on repeat echo'],
    },
    ['ACS', 'HE', 'AHF'],
    ['CTPA', 'D-dimer'],
  ),
  AM: p(
    'AM',
    ['acute myocarditis', 'myocarditis', 'viral myocarditis', 'AM'],
    {
      symptoms: [
        'chest pain after a viral illness',
        'a flu-like illness followed by breathlessness',
        'palpitations and fatigue',
        'pleuritic chest pain and fever',
      ],
      exam: ['temperature {temp} °C', 'HR {hrMild} bpm', 'no murmurs'],
      ecg: ['diffuse ST elevation', 'non-specific T-wave changes', 'sinus tachycardia'],
      labs: ['troponin {tropHigh} ng/L', 'CRP {crp} mg/L', 'viral PCR positive for {virus}'],
      imaging: [
        'cardiac MRI showed subepicardial late gadolinium enhancement with oedema',
        'angiography showed unobstructed coronary arteries',
        'TTE showed global hypokinesia, LVEF {efMild}%',
      ],
      treatment: [
        'supportive care',
        'bisoprolol and ramipril',
        'advice to avoid competitive sport for 6 months',
      ],
      course: ['troponin fell to {tropLow} ng/L', 'LV function recovered on repeat echo'],
    },
    ['AMI', 'ACS', 'IE'],
    ['cardiac MRI', 'angiography'],
  ),
};
