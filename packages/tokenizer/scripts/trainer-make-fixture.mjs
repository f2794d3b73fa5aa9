// Golden WordPiece vocabularies from HuggingFace's Rust `tokenizers` binding (devDependency, 0.23.2)
// for the trainer parity test (src/trainers/learn-wordpiece-vocabulary.test.ts).
//
//   node packages/tokenizer/scripts/trainer-make-fixture.mjs
//
// The binding exposes only `tokenizer.train(files)`, which trains with the model's default trainer:
// `WordPieceTrainer` with vocab_size 30000, min_frequency 0, no special tokens, no alphabet limit.
// On this 5 KB corpus the 30000 cap is never reached, so every merge down to the last is compared.
// HF assigns the ids of the continuation characters (`##e`, ...) in HashMap order, which differs on
// every run, and ties between equal pair counts are broken by id: each run below is therefore a
// different golden file, and the test replays each one's `##` order.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures');
const require = createRequire(join(here, '..', 'package.json'));
const { Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer } = require('tokenizers');

const corpus = join(fixtures, 'trainer-corpus.txt');
const variants = [
  { name: 'uncased', lowercase: true, runs: 3 },
  { name: 'cased', lowercase: false, runs: 2 },
];
for (const { name, lowercase, runs } of variants) {
  for (let run = 1; run <= runs; run++) {
    const tokenizer = new Tokenizer(WordPiece.empty());
    tokenizer.setNormalizer(bertNormalizer({ lowercase }));
    tokenizer.setPreTokenizer(bertPreTokenizer());
    tokenizer.train([corpus]);
    const vocab = Object.entries(tokenizer.getVocab(true)).sort((a, b) => a[1] - b[1]);
    vocab.forEach(([, id], index) => {
      if (id !== index) throw new Error(`ids are not contiguous at ${index}`);
    });
    const file = join(fixtures, `trainer-hf-${name}-run${run}.txt`);
    writeFileSync(file, vocab.map(([token]) => `${token}\n`).join(''));
    console.log(`${file}: ${vocab.length} tokens`);
  }
}
