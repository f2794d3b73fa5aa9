// The trainer as the benchmark uses it: the package's public API.
export { WordPieceTrainer } from '@icd/tokenizer';
export { readCorpusLines } from '@icd/tokenizer/node';
