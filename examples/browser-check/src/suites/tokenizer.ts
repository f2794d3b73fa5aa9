import { Tokenizer } from '@icd/tokenizer';
import type { Json, SuiteEnvironment } from '../suite.js';

const note =
  'Paciente de 68 años con fibrilación auricular (I48.0), HTA y dolor torácico; ECG: ritmo irregular. ' +
  'Patient presents with chest pain radiating to the left arm, troponin elevated, NSTEMI suspected.';

/** bert-base-uncased ids that Node's results must also show ([CLS] hello world [SEP]). */
export const anchors: Record<string, Json> = { helloWorld: [101, 7592, 2088, 102] };

/** The real bert-base-uncased tokenizer.json (from ../shared), loaded with `Tokenizer.fromJSON(bytes)`. */
export async function run(environment: SuiteEnvironment): Promise<Record<string, Json>> {
  const tokenizer = Tokenizer.fromJSON(
    await environment.load('/shared/models/bert-base-uncased/tokenizer.json'),
  );
  const single = tokenizer.encode(note);
  const pair = tokenizer.encode(note, 'Chest pain, rule out acute coronary syndrome.', {
    maxLength: 32,
    truncation: 'longest_first',
  });
  const windows = tokenizer.encode(note, null, { maxLength: 24, stride: 8, returnOverflowing: true });
  const batch = tokenizer.encodeBatch(['Chest pain.', 'Dolor torácico con disnea de esfuerzo.'], {
    padding: 'longest',
  });
  return {
    helloWorld: [...tokenizer.encode('Hello world').ids],
    vocabSize: tokenizer.vocabSize,
    ids: [...single.ids],
    tokens: [...single.tokens],
    offsets: single.offsets.map(([start, end]) => [start, end]),
    wordIds: [...single.wordIds],
    pairIds: [...pair.ids],
    pairTypeIds: [...pair.typeIds],
    windows: [windows, ...windows.overflowing].map((window) => [...window.ids]),
    batchIds: batch.map((encoding) => [...encoding.ids]),
    batchMask: batch.map((encoding) => [...encoding.attentionMask]),
    decoded: tokenizer.decode([...single.ids], { skipSpecialTokens: true }),
    decodedContraction: tokenizer.decode([...tokenizer.encode("you should've done this").ids], {
      skipSpecialTokens: true,
    }),
  };
}
