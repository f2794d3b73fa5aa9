// What the pretraining scripts use, through the packages' public entries.

export type { TokenSequence } from '@icd/bert/node';
export {
  AdamW,
  BertConfig,
  BertForMaskedLM,
  batchSequences,
  bertForMaskedLMPretrainable,
  clipGradientNorm,
  evaluateMaskedLM,
  listCorpusFiles,
  MaskedLMCollator,
  MaskedLMTrainer,
  maskedLMObjective,
  packSequences,
  RandomGenerator,
  readCorpusDocuments,
  selectBackend,
  shuffleBuffer,
} from '@icd/bert/node';
export { Tokenizer, WordPieceTrainer } from '@icd/tokenizer';
export { loadTokenizer, readCorpusLines } from '@icd/tokenizer/node';
export { linearSchedule, Trainer } from '@icd/train';
