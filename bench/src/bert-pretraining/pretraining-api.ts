// What the pretraining scripts use, through the packages' public entries.

export type { TokenSequence } from '@icd/bert';
export {
  AdamW,
  bertForMaskedLMPretrainable,
  clipGradientNorm,
  evaluateMaskedLM,
  listCorpusFiles,
  MaskedLMTrainer,
  packSequences,
  RandomGenerator,
  readCorpusDocuments,
  shuffleBuffer,
} from '@icd/bert';
export { WordPieceTrainer } from '@icd/tokenizer';
export { readCorpusLines } from '@icd/tokenizer/node';
