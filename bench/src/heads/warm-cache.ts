/**
 * Encodes the frozen-encoder states the heads bench reads (CodiEsp train/dev in English and Spanish,
 * the synthetic split) into checkpoints/heads/, so that `pnpm bench heads` starts with them cached.
 * Run: NODE_OPTIONS=--conditions=@icd/source npx tsx bench/src/heads/warm-cache.ts
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codiespPath, loadBenchNotes } from '../keybert/codiesp.js';
import { cachedStates, loadEncoder } from './neural.js';
import { syntheticSplit } from './synthetic.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sharedDir = process.env.ICD_SHARED_DIR ?? join(root, '..', 'shared');
const runsDir = join(root, 'checkpoints', 'heads');
const timings: string[] = [];
const train = await loadBenchNotes(codiespPath(sharedDir), 'train');
const dev = await loadBenchNotes(codiespPath(sharedDir), 'dev');
for (const language of ['en', 'es'] as const) {
  const corpus = await loadEncoder(
    join(root, 'checkpoints', `codiesp-${language}-tiny-v8000-s42`, 'model'),
    128,
  );
  const asCacheable = (notes: typeof train) =>
    notes.map((note) => ({ id: note.id, text: language === 'en' ? note.en : note.es, codes: note.codes }));
  await cachedStates(corpus, runsDir, `${language}-train`, asCacheable(train), timings);
  await cachedStates(corpus, runsDir, `${language}-dev`, asCacheable(dev), timings);
  if (language === 'en') {
    const { train: syntheticTrain, test: syntheticTest } = syntheticSplit(500);
    await cachedStates(corpus, runsDir, 'synthetic', syntheticTrain, timings);
    await cachedStates(corpus, runsDir, 'synthetic-test', syntheticTest, timings);
  }
  corpus.encoder.dispose();
  for (const line of timings.splice(0)) console.log(line);
}
