import type { SeededRandom } from '../random/seeded-random.js';

const between =
  (low: number, high: number, decimals = 0) =>
  (random: SeededRandom) =>
    (low + random.next() * (high - low)).toFixed(decimals);
const oneOf = (values: readonly string[]) => (random: SeededRandom) => random.pick(values);

// Plausible value ranges for every `{slot}` of the phrase banks.
const SLOTS: Readonly<Record<string, (random: SeededRandom) => string>> = {
  hours: between(2, 48),
  days: between(2, 10),
  weeks: between(2, 8),
  day: between(2, 9),
  hrFast: between(110, 175),
  hrMild: between(95, 125),
  hrNormal: between(62, 88),
  hrVt: between(150, 230),
  hrBrady: between(28, 45),
  sbp: between(110, 150),
  dbp: between(65, 92),
  sbpHigh: between(185, 250),
  dbpHigh: between(115, 145),
  sbpLow: between(78, 100),
  dbpLow: between(40, 60),
  sbpShock: between(62, 85),
  dbpShock: between(32, 50),
  tsh: between(0.4, 4.5, 2),
  tropNormal: between(3, 13),
  tropLow: between(15, 90),
  tropHigh: between(400, 12000),
  k: between(3.6, 5.0, 1),
  kLow: between(2.8, 3.4, 1),
  mg: between(0.75, 1.0, 2),
  mgLow: between(0.45, 0.68, 2),
  la: between(4.0, 5.2, 1),
  efNormal: between(55, 65),
  efMild: between(40, 50),
  efLow: between(15, 35),
  biso: oneOf(['1.25', '2.5', '5', '7.5', '10']),
  chads: between(1, 6),
  ck: between(300, 4000),
  ldl: between(2.1, 5.2, 1),
  hba1c: between(36, 80),
  vessel: oneOf(['LAD', 'proximal LAD', 'RCA', 'circumflex', 'obtuse marginal', 'left main stem']),
  pct: between(70, 99),
  ddimerLow: between(0.2, 0.6, 2),
  ddimerHigh: between(2, 12, 1),
  grace: between(90, 190),
  temp: between(37.8, 39.8, 1),
  pr: between(210, 320),
  organism: oneOf([
    'Staphylococcus aureus',
    'Streptococcus mitis',
    'Enterococcus faecalis',
    'Streptococcus gallolyticus',
  ]),
  cultures: between(2, 3),
  crp: between(40, 280),
  crpLow: between(5, 30),
  wcc: between(11, 24, 1),
  veg: between(5, 22),
  valve: oneOf(['mitral', 'aortic', 'tricuspid', 'prosthetic aortic']),
  antibiotic: oneOf([
    'benzylpenicillin',
    'flucloxacillin',
    'vancomycin',
    'amoxicillin and gentamicin',
    'ceftriaxone',
  ]),
  spo2Low: between(82, 92),
  bnp: between(800, 9000),
  furo: oneOf(['40', '80', '120']),
  armDiff: between(20, 45),
  lactate: between(1.5, 4, 1),
  lactateHigh: between(4, 11, 1),
  creat: between(90, 320),
  rr: between(22, 36),
  rvlv: between(1.0, 1.6, 1),
  virus: oneOf(['parvovirus B19', 'coxsackie B', 'influenza A', 'SARS-CoV-2']),
  alt: between(80, 900),
  ci: between(1.3, 2.1, 1),
  kg: between(2, 9),
  na: between(124, 136),
  age: between(28, 89),
  hb: between(88, 160),
  platelets: between(120, 420),
  urea: between(3.2, 18, 1),
};

/** Replaces every `{slot}` of `template` with a random value of that slot. */
export function fillTemplate(template: string, random: SeededRandom): string {
  return template.replace(/\{(\w+)\}/g, (match, slot: string) => {
    const generate = SLOTS[slot];
    return generate === undefined ? match : generate(random);
  });
}
