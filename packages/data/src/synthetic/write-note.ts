import { MDR_BERT_CODES } from '../icd/mdr-bert-codes.js';
import type { SeededRandom } from '../random/seeded-random.js';
import type { CardiologyProfile, FindingSlot } from './cardiology-profile.js';
import { CARDIOLOGY_PROFILES } from './cardiology-profiles.js';
import { fillTemplate } from './fill-template.js';
import { NoteBuilder } from './note-builder.js';
import {
  BACKGROUND,
  DISCHARGE_MEDICATIONS,
  FILLER,
  FOLLOW_UP,
  MEDICATIONS,
  PLANS,
  VAGUE_DIAGNOSES,
} from './note-phrases.js';
import { SYNTHETIC_HEADER } from './synthetic-header.js';

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Writes one note of class `profile` whose findings follow `presentation` (the same profile, or a
 * confusable one for an atypical presentation), about `targetWords` long.
 */
export function writeNote(
  profile: CardiologyProfile,
  presentation: CardiologyProfile,
  targetWords: number,
  maxWords: number,
  overlap: number,
  explicitDiagnosis: number,
  random: SeededRandom,
) {
  const other = () => CARDIOLOGY_PROFILES[random.pick(profile.confusable)]!;
  const finding = (slot: FindingSlot) =>
    fillTemplate(random.pick((random.chance(overlap) ? other() : presentation).pools[slot]), random);
  // Two different findings of one slot ("... presented with X and Y", never "X and X").
  const twoFindings = (slot: FindingSlot): [string, string] => {
    const first = finding(slot);
    let second = finding(slot);
    for (let attempt = 0; attempt < 3 && second === first; attempt++) second = finding(slot);
    return [first, second];
  };
  const age = 28 + random.integer(62);
  const woman = random.chance(0.45);
  const pronoun = woman ? 'She' : 'He';
  const note = new NoteBuilder(SYNTHETIC_HEADER);
  const diagnosisName = random.pick(profile.names);
  const differential = other();
  const blocks: [title: string, sentences: string[]][] = [
    [
      'Past medical history',
      [
        `${capitalize(
          random
            .shuffle([...BACKGROUND])
            .slice(0, 1 + random.integer(4))
            .join(', '),
        )}.`,
        ...(random.chance(0.3) ? [`Known ${random.pick(other().names)}.`] : []),
      ],
    ],
    [
      'Medications on admission',
      [
        `${capitalize(
          random
            .shuffle([...MEDICATIONS])
            .slice(0, 2 + random.integer(5))
            .join(', '),
        )}.`,
      ],
    ],
    ['Examination', [`On examination: ${twoFindings('exam').join(', ')}.`]],
    ['ECG', [`${capitalize(finding('ecg'))}.`]],
    ['Bloods', [`${capitalize(twoFindings('labs').join('; '))}.`]],
    ['Imaging', [`${capitalize(finding('imaging'))}.`]],
    [
      'Differential diagnosis',
      [
        random.chance(0.5)
          ? `${capitalize(random.pick(differential.names))} was ruled out on ${random.pick(differential.ruledOutBy)}.`
          : `No evidence of ${random.pick(differential.names)} on ${random.pick(differential.ruledOutBy)}.`,
      ],
    ],
    [
      'Treatment and course',
      [`Treated with ${twoFindings('treatment').join(' and ')}.`, `${capitalize(finding('course'))}.`],
    ],
  ];
  note.add('Presenting complaint', [`${capitalize(finding('symptoms'))}.`]);
  note.add('History of presenting complaint', [
    `A ${age}-year-old ${woman ? 'woman' : 'man'} presented with ${twoFindings('symptoms').join(' and ')}.`,
    `${pronoun} denied ${random.pick(CARDIOLOGY_PROFILES[random.pick(MDR_BERT_CODES).abbreviation]!.pools.symptoms).replace(/\{\w+\}/g, 'several')}.`,
  ]);
  // Short notes keep a random subset of the blocks (in the usual section order); long ones all of them,
  // then daily progress entries.
  const countWords = (sentences: readonly string[]) => sentences.join(' ').split(' ').length + 2;
  let words = note.wordCount;
  const chosen = new Set<number>();
  for (const blockIndex of random.shuffle(blocks.map((_, position) => position))) {
    if (words >= targetWords - 15) break;
    chosen.add(blockIndex);
    words += countWords(blocks[blockIndex]![1]);
  }
  blocks.forEach(([title, sentences], blockIndex) => {
    if (chosen.has(blockIndex)) note.add(title, sentences);
  });
  words = note.wordCount + 4; // + the titles of the progress and diagnosis sections and the diagnosis
  // Long notes grow the way real discharge summaries do: richer daily entries over a stay of up to two
  // weeks, a table of daily bloods, the discharge medications and a few follow-up reviews.
  const fits = (text: string) => {
    const count = text.split(' ').length;
    if (words >= targetWords - 15 || words + count > maxWords) return false;
    words += count;
    return true;
  };
  const perDay = Math.max(1, Math.min(14, Math.ceil((targetWords - words) / (14 * 7))));
  const progress: string[] = [];
  for (let day = 2; day <= 15; day++) {
    const sentences = random.shuffle([...FILLER, ...PLANS]).slice(0, perDay);
    if (random.chance(0.6))
      sentences[0] = `${capitalize(finding(random.pick(['exam', 'labs', 'course'] as const)))}.`;
    const entry = `Day ${day}: ${sentences.join(' ')}`;
    if (fits(entry)) progress.push(entry);
  }
  note.add('Progress', progress);
  const bloods: string[] = [];
  for (let day = 1; day <= 14; day++) {
    const entry = fillTemplate(
      `Day ${day}: Hb {hb} g/L, WCC {wcc}, platelets {platelets}, Na {na}, K {k}, urea {urea}, creatinine {creat}, CRP {crpLow}.`,
      random,
    );
    if (fits(entry)) bloods.push(entry);
  }
  note.add('Daily bloods', bloods);
  const medications = `${capitalize(
    random
      .shuffle([...MEDICATIONS, ...DISCHARGE_MEDICATIONS])
      .slice(0, 6 + random.integer(6))
      .join(', '),
  )}.`;
  if (fits(medications)) note.add('Discharge medications', [medications]);
  const followUp: string[] = [];
  for (const week of [2, 6, 12, 26]) {
    const entry = `${random.pick(FOLLOW_UP)} at ${week} weeks: ${capitalize(finding('course'))}. ${random.pick(PLANS)}`;
    if (fits(entry)) followUp.push(entry);
  }
  note.add('Follow-up', followUp);
  note.add('Discharge diagnosis', [
    random.chance(explicitDiagnosis)
      ? `${capitalize(diagnosisName)}.`
      : `${capitalize(random.pick(VAGUE_DIAGNOSES))}.`,
  ]);
  return { text: note.toString(), sections: note.sections };
}
