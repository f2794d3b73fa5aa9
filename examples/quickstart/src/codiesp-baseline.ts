/**
 * A CodiEsp-D baseline: k nearest training notes by TF-IDF over bert-base-uncased WordPiece ids, each
 * neighbour voting its codes with its cosine similarity. It writes a prediction file in the shared task's
 * format (`id<TAB>code`, best first) and scores it against dev gold with {@link scorePredictionFile}.
 * Trained on `train/` only; tuned on nothing; never looks at `test/`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { loadCodiesp } from '@icd/data/node';
import { loadTokenizer } from '@icd/tokenizer/node';
import { scorePredictionFile } from './score-codiesp.js';
import { cosine, TfIdf } from './tf-idf.js';

const neighbours = 25;

export async function runCodiespBaseline(shared: string): Promise<void> {
  const started = performance.now();
  const codiesp = join(shared, 'data/codiesp');
  const collect = async (split: 'train' | 'dev') => {
    const notes: ClinicalNote[] = [];
    for await (const note of loadCodiesp(codiesp, { split, track: 'D', language: 'en' })) notes.push(note);
    return notes;
  };
  const [train, dev] = [await collect('train'), await collect('dev')];
  const tokenizer = await loadTokenizer(join(shared, 'models/bert-base-uncased'));
  const pieces = (note: ClinicalNote) => tokenizer.encode(note.text, null, { addSpecialTokens: false }).ids;
  const tfIdf = new TfIdf(train.map(pieces));
  const trainVectors = train.map((note) => tfIdf.vector(pieces(note)));

  const rows: string[] = [];
  for (const note of dev) {
    const vector = tfIdf.vector(pieces(note));
    const nearest = trainVectors
      .map((trainVector, index) => ({ index, similarity: cosine(vector, trainVector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, neighbours);
    const votes = new Map<string, number>();
    for (const { index, similarity } of nearest) {
      for (const code of train[index]!.codes) votes.set(code, (votes.get(code) ?? 0) + similarity);
    }
    const ranked = [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [code] of ranked) rows.push(`${note.id}\t${code.toLowerCase()}`);
  }
  const folder = await mkdtemp(join(tmpdir(), 'icd-codiesp-'));
  const file = join(folder, 'dev-predictions.tsv');
  await writeFile(file, `${rows.join('\n')}\n`);
  console.log(
    `\nCodiEsp-D: ${train.length} train / ${dev.length} dev notes; kNN (k=${neighbours}) over TF-IDF of ` +
      `bert-base-uncased WordPiece ids; ${((performance.now() - started) / 1000).toFixed(1)} s; predictions in ${file} (removed after scoring)`,
  );
  try {
    await scorePredictionFile(file, codiesp);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
