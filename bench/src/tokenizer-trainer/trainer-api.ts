// The trainer as the benchmark uses it: the package's public API.
export { readCorpusLines, WordPieceTrainer } from '@icd/tokenizer';
