/** A synthetic note (not a real patient) for the demo's first view. */
export const sampleNote =
  'SYNTHETIC NOTE. 72-year-old man admitted with palpitations and shortness of breath. ' +
  'ECG shows atrial fibrillation with rapid ventricular response. Known hypertension on amlodipine. ' +
  'Echocardiography: reduced ejection fraction, consistent with heart failure. ' +
  'No evidence of acute myocardial infarction; troponin negative. Started on apixaban and bisoprolol.';
