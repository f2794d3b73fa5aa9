import { MDR_BERT_CODES } from '../icd/mdr-bert-codes.js';
import type { SeededRandom } from '../random/seeded-random.js';
import type { CardiologyProfile, FindingSlot } from './cardiology-profile.js';
import { CARDIOLOGY_PROFILES } from './cardiology-profiles.js';
import { fillTemplate } from './fill-template.js';
import { NoteBuilder, type NoteSentence } from './note-builder.js';
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

/** A finding and whether it was drawn from the note's true class (so it is evidence for its code). */
interface Drawn {
  readonly text: string;
  readonly own: boolean;
}

/** A sentence that is evidence as a whole when `own`. */
const sentence = (text: string, own: boolean): NoteSentence =>
  own ? { text, evidence: [0, text.length] } : { text };

/**
 * Writes one note of class `profile` whose findings follow `presentation` (the same profile, or a
 * confusable one for an atypical presentation), about `targetWords` long. `evidence` holds the spans of
 * the sentences that support `profile`'s code: those with a finding drawn from `profile`'s own phrase
 * banks, and the discharge diagnosis when it names the disease (never a negated symptom, a ruled-out
 * differential, a confusable class's finding or a vague diagnosis). Tracking evidence draws no random
 * number, so the text is the same as without it.
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
  const finding = (slot: FindingSlot): Drawn => {
    const source = random.chance(overlap) ? other() : presentation;
    return { text: fillTemplate(random.pick(source.pools[slot]), random), own: source === profile };
  };
  // Two different findings of one slot ("... presented with X and Y", never "X and X").
  const twoFindings = (slot: FindingSlot, join: string): Drawn => {
    const first = finding(slot);
    let second = finding(slot);
    for (let attempt = 0; attempt < 3 && second.text === first.text; attempt++) second = finding(slot);
    return { text: `${first.text}${join}${second.text}`, own: first.own || second.own };
  };
  /** `Finding.` as a sentence, evidence when the finding is the true class's. */
  const findingSentence = (drawn: Drawn) => sentence(`${capitalize(drawn.text)}.`, drawn.own);
  const age = 28 + random.integer(62);
  const woman = random.chance(0.45);
  const pronoun = woman ? 'She' : 'He';
  const note = new NoteBuilder(SYNTHETIC_HEADER);
  const diagnosisName = random.pick(profile.names);
  const differential = other();
  const blocks: [title: string, sentences: NoteSentence[]][] = [
    [
      'Past medical history',
      [
        sentence(
          `${capitalize(
            random
              .shuffle([...BACKGROUND])
              .slice(0, 1 + random.integer(4))
              .join(', '),
          )}.`,
          false,
        ),
        ...(random.chance(0.3) ? [sentence(`Known ${random.pick(other().names)}.`, false)] : []),
      ],
    ],
    [
      'Medications on admission',
      [
        sentence(
          `${capitalize(
            random
              .shuffle([...MEDICATIONS])
              .slice(0, 2 + random.integer(5))
              .join(', '),
          )}.`,
          false,
        ),
      ],
    ],
    [
      'Examination',
      [((exam) => sentence(`On examination: ${exam.text}.`, exam.own))(twoFindings('exam', ', '))],
    ],
    ['ECG', [findingSentence(finding('ecg'))]],
    ['Bloods', [findingSentence(twoFindings('labs', '; '))]],
    ['Imaging', [findingSentence(finding('imaging'))]],
    [
      'Differential diagnosis',
      [
        sentence(
          random.chance(0.5)
            ? `${capitalize(random.pick(differential.names))} was ruled out on ${random.pick(differential.ruledOutBy)}.`
            : `No evidence of ${random.pick(differential.names)} on ${random.pick(differential.ruledOutBy)}.`,
          false,
        ),
      ],
    ],
    [
      'Treatment and course',
      [
        ((treatment) => sentence(`Treated with ${treatment.text}.`, treatment.own))(
          twoFindings('treatment', ' and '),
        ),
        findingSentence(finding('course')),
      ],
    ],
  ];
  note.add('Presenting complaint', [findingSentence(finding('symptoms'))]);
  const presentedWith = twoFindings('symptoms', ' and ');
  note.add('History of presenting complaint', [
    sentence(
      `A ${age}-year-old ${woman ? 'woman' : 'man'} presented with ${presentedWith.text}.`,
      presentedWith.own,
    ),
    `${pronoun} denied ${random.pick(CARDIOLOGY_PROFILES[random.pick(MDR_BERT_CODES).abbreviation]!.pools.symptoms).replace(/\{\w+\}/g, 'several')}.`,
  ]);
  // Short notes keep a random subset of the blocks (in the usual section order); long ones all of them,
  // then daily progress entries.
  const countWords = (sentences: readonly NoteSentence[]) =>
    sentences
      .map((part) => part.text)
      .join(' ')
      .split(' ').length + 2;
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
  const progress: NoteSentence[] = [];
  for (let day = 2; day <= 15; day++) {
    const sentences = random.shuffle([...FILLER, ...PLANS]).slice(0, perDay);
    let own = false;
    if (random.chance(0.6)) {
      const drawn = finding(random.pick(['exam', 'labs', 'course'] as const));
      sentences[0] = `${capitalize(drawn.text)}.`;
      own = drawn.own;
    }
    const prefix = `Day ${day}: `;
    const entry = `${prefix}${sentences.join(' ')}`;
    // The day's entry holds several sentences; only its first (the finding) is evidence.
    if (fits(entry))
      progress.push(
        own
          ? { text: entry, evidence: [prefix.length, prefix.length + sentences[0]!.length] }
          : { text: entry },
      );
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
  const followUp: NoteSentence[] = [];
  for (const week of [2, 6, 12, 26]) {
    const lead = random.pick(FOLLOW_UP);
    const drawn = finding('course');
    const first = `${lead} at ${week} weeks: ${capitalize(drawn.text)}.`;
    const entry = `${first} ${random.pick(PLANS)}`;
    // The review's first sentence holds the finding; the plan after it is never evidence.
    if (fits(entry))
      followUp.push(drawn.own ? { text: entry, evidence: [0, first.length] } : { text: entry });
  }
  note.add('Follow-up', followUp);
  note.add('Discharge diagnosis', [
    random.chance(explicitDiagnosis)
      ? sentence(`${capitalize(diagnosisName)}.`, true)
      : sentence(`${capitalize(random.pick(VAGUE_DIAGNOSES))}.`, false),
  ]);
  return { text: note.toString(), sections: note.sections, evidence: note.evidence };
}
