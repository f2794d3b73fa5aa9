import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bertWordSplitter } from './bert-word-splitter.js';
import { learnWordPieceVocabulary } from './learn-wordpiece-vocabulary.js';
import { readCorpusLines } from './read-corpus-lines.js';
import { WordPieceTrainer } from './wordpiece-trainer.js';

// Parity with HuggingFace's WordPieceTrainer (Rust `tokenizers` binding). HF gives the continuation
// characters (`##e`, ...) ids in HashMap order, different on every run, and breaks count ties by id;
// so each comparison replays HF's `##` order (read from HF's own output) and then requires every
// following token, i.e. every merge, to be identical and in the same order.

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../../fixtures');
const require = createRequire(import.meta.url);
const hf = require('tokenizers') as typeof import('tokenizers');

const continuationOrder = (tokens: readonly string[]) => tokens.filter((token) => /^##.$/u.test(token));

function countWords(lines: Iterable<string>, lowercase: boolean): Map<string, number> {
  const split = bertWordSplitter(lowercase, lowercase);
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of split(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

function agreement(ours: readonly string[], reference: readonly string[]): number {
  let same = 0;
  for (let id = 0; id < reference.length; id++) if (ours[id] === reference[id]) same++;
  return same / Math.max(ours.length, reference.length);
}

function hfTrain(files: string[], lowercase: boolean): string[] {
  const tokenizer = new hf.Tokenizer(hf.WordPiece.empty());
  tokenizer.setNormalizer(hf.bertNormalizer({ lowercase }));
  tokenizer.setPreTokenizer(hf.bertPreTokenizer());
  tokenizer.train(files);
  return Object.entries(tokenizer.getVocab(true))
    .sort((a, b) => a[1] - b[1])
    .map(([token]) => token);
}

describe('WordPiece training parity with HF on the committed corpus', () => {
  const corpusLines = readFileSync(join(fixtures, 'trainer-corpus.txt'), 'utf8').split('\n');
  const goldens = readdirSync(fixtures).filter((name) => /^trainer-hf-(un)?cased-run\d+\.txt$/.test(name));

  it('has golden files from scripts/trainer-make-fixture.mjs', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(2);
  });

  for (const golden of goldens) {
    it(`reproduces ${golden} token for token (every merge, same order)`, () => {
      const reference = readFileSync(join(fixtures, golden), 'utf8').split('\n').slice(0, -1);
      const lowercase = golden.includes('uncased');
      const ours = learnWordPieceVocabulary(countWords(corpusLines, lowercase), {
        vocabSize: 30000,
        minFrequency: 0,
        specialTokens: [],
        limitAlphabet: undefined,
        initialAlphabet: [],
        continuingSubwordPrefix: '##',
        continuationOrder: continuationOrder(reference),
      });
      expect(agreement(ours, reference)).toBe(1);
      expect(ours).toEqual(reference);
    });
  }

  it('stops at vocabSize and minFrequency exactly where HF would (prefixes of the full HF run)', () => {
    // HF's loop only checks the size and the best count before each merge, so a smaller vocabSize or a
    // larger minFrequency yields a prefix of the unbounded run.
    const golden = goldens.find((name) => name.includes('uncased'))!;
    const reference = readFileSync(join(fixtures, golden), 'utf8').split('\n').slice(0, -1);
    const counts = countWords(corpusLines, true);
    const learn = (vocabSize: number, minFrequency: number) =>
      learnWordPieceVocabulary(counts, {
        vocabSize,
        minFrequency,
        specialTokens: [],
        limitAlphabet: undefined,
        initialAlphabet: [],
        continuingSubwordPrefix: '##',
        continuationOrder: continuationOrder(reference),
      });
    for (const vocabSize of [150, 400, 1000])
      expect(learn(vocabSize, 0)).toEqual(reference.slice(0, vocabSize));
    for (const minFrequency of [2, 5, 20]) {
      const tokens = learn(30000, minFrequency);
      expect(tokens).toEqual(reference.slice(0, tokens.length));
      expect(tokens.length).toBeLessThan(reference.length);
    }
  });

  it('counts the same words as HF BertNormalizer + BertPreTokenizer', () => {
    for (const lowercase of [true, false]) {
      const normalizer = hf.bertNormalizer({ lowercase });
      const preTokenizer = hf.bertPreTokenizer();
      const reference = new Map<string, number>();
      for (const line of corpusLines) {
        for (const [word] of preTokenizer.preTokenizeString(normalizer.normalizeString(line))) {
          reference.set(word, (reference.get(word) ?? 0) + 1);
        }
      }
      expect(countWords(corpusLines, lowercase)).toEqual(reference);
    }
  });
});

const sharedDirectory = process.env.ICD_SHARED_DIR ?? resolve(here, '../../../../../shared');
const codiespTrain = join(sharedDirectory, 'data/codiesp/train/text_files_en');
const hasShared = existsSync(codiespTrain);
if (!hasShared)
  console.warn(`CodiEsp not found at ${codiespTrain}: skipping the trainer's CodiEsp parity test`);

describe.skipIf(!hasShared)('WordPiece training parity with HF on CodiEsp train (English)', () => {
  for (const lowercase of [true, false]) {
    it(`${lowercase ? 'uncased' : 'cased'}: identical vocabulary (all merges to exhaustion)`, async () => {
      const files = readdirSync(codiespTrain)
        .filter((name) => name.endsWith('.txt'))
        .sort()
        .map((name) => join(codiespTrain, name));
      const reference = hfTrain(files, lowercase);
      // End to end through the public API: stream the files, count with our BERT splitter, learn.
      const trainer = new WordPieceTrainer({
        specialTokens: [],
        lowercase,
        continuationOrder: continuationOrder(reference),
      });
      const ours = (await trainer.train(readCorpusLines(codiespTrain))).tokens;
      expect(reference.length).toBeGreaterThan(15000);
      expect(agreement(ours, reference)).toBe(1);
    });
  }
});
