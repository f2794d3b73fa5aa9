/**
 * The CodiEsp text the encoder is pretrained on: background + train notes of one language (never dev or
 * test, which later issues evaluate on), the dev notes held out for masked-token accuracy, and a
 * WordPiece vocabulary learnt from the training text only, cached under ./checkpoints/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  listCorpusFiles,
  packSequences,
  RandomGenerator,
  readCorpusDocuments,
  readCorpusLines,
  shuffleBuffer,
  Tokenizer,
  type TokenSequence,
  WordPieceTrainer,
} from './pretraining-api.js';

export type Language = 'en' | 'es';

/** `text_files_en` holds the English translation, `text_files` the Spanish originals. */
export function textFolder(language: Language): string {
  return language === 'en' ? 'text_files_en' : 'text_files';
}

export interface CodiespCorpus {
  readonly trainDirectories: string[];
  readonly trainFiles: string[];
  readonly devFiles: string[];
}

export async function codiespCorpus(codiesp: string, language: Language): Promise<CodiespCorpus> {
  const trainDirectories = ['background', 'train'].map((split) => join(codiesp, split, textFolder(language)));
  return {
    trainDirectories,
    trainFiles: await listCorpusFiles(trainDirectories),
    devFiles: await listCorpusFiles([join(codiesp, 'dev', textFolder(language))]),
  };
}

/**
 * A WordPiece vocabulary of `size` trained on the training folders only (BERT-XML's recipe), cached as
 * `tokenizer.json` in `cacheDirectory`; returns the tokenizer and how it was obtained.
 */
export async function codiespTokenizer(
  corpus: CodiespCorpus,
  size: number,
  cacheDirectory: string,
  lowercase: boolean,
): Promise<{ tokenizer: Tokenizer; source: string }> {
  const file = join(cacheDirectory, 'tokenizer.json');
  if (existsSync(file)) {
    return { tokenizer: Tokenizer.fromJSON(await readFile(file, 'utf8')), source: `cached ${file}` };
  }
  const started = performance.now();
  const vocabulary = await new WordPieceTrainer({ vocabSize: size, minFrequency: 2, lowercase }).train(
    readCorpusLines(corpus.trainDirectories),
  );
  const json = JSON.stringify(vocabulary.toTokenizerJson());
  await mkdir(cacheDirectory, { recursive: true });
  await writeFile(file, json);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return {
    tokenizer: Tokenizer.fromJSON(json),
    source: `WordPiece ${size} trained by @icd/tokenizer on background+train ${lowercase ? 'lowercased ' : ''}text in ${seconds} s`,
  };
}

/** Epoch e of the training text at `maxLength`: files in a seeded order, packed, through a shuffle buffer. */
export function trainingSequences(
  corpus: CodiespCorpus,
  tokenizer: Tokenizer,
  maxLength: number,
  seed: number,
): (epoch: number) => AsyncIterable<TokenSequence> {
  return (epoch) =>
    shuffleBuffer(
      packSequences(
        readCorpusDocuments(new RandomGenerator(seed + epoch).shuffle([...corpus.trainFiles])),
        tokenizer,
        {
          maxLength,
        },
      ),
      2048,
      new RandomGenerator(seed * 31 + epoch),
    );
}

/** Every packed sequence of `files` at `maxLength`, in order. */
export async function allSequences(
  files: string[],
  tokenizer: Tokenizer,
  maxLength: number,
): Promise<TokenSequence[]> {
  const sequences: TokenSequence[] = [];
  for await (const sequence of packSequences(readCorpusDocuments(files), tokenizer, { maxLength })) {
    sequences.push(sequence);
  }
  return sequences;
}
