// A cased clinical WordPiece vocabulary (8,000 tokens) trained by OUR trainer on the English CodiEsp
// notes (train + dev + background), for the tokenizer's cased parity tests. Needs ../shared (or
// ICD_SHARED_DIR). Deterministic: re-running gives the same file byte for byte.
//
//   node --import tsx packages/tokenizer/scripts/trainer-make-cased-vocab.mjs
//
// Writes fixtures/trainer-cased-vocab.txt. Use it with lowercase: false, stripAccents: false (HF:
// BertNormalizer lowercase false, strip_accents null; transformers: do_lower_case false).
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCorpusLines } from '../src/trainers/read-corpus-lines.ts';
import { WordPieceTrainer } from '../src/trainers/wordpiece-trainer.ts';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.ICD_SHARED_DIR ?? resolve(here, '../../../../shared');
const directories = ['train', 'dev', 'background'].map((split) =>
  join(shared, 'data/codiesp', split, 'text_files_en'),
);
const trainer = new WordPieceTrainer({ vocabSize: 8000, lowercase: false });
const vocabulary = await trainer.train(readCorpusLines(directories));
const file = join(here, '../fixtures/trainer-cased-vocab.txt');
writeFileSync(file, vocabulary.toVocabText());
console.log(`${file}: ${vocabulary.size} tokens from ${trainer.wordCounts.size} distinct words`);
