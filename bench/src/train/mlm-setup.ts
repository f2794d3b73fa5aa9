/**
 * The masked-LM training setup of the train bench, built the same way in-process and inside each
 * ParallelTrainer worker: a BERT of the given size with bert-base-uncased's vocabulary size on random
 * token ids (the same random config as torch_train_bench.py), AdamW, dropout 0.1.
 */
import {
  BertConfig,
  BertForMaskedLM,
  bertForMaskedLMPretrainable,
  MaskedLMCollator,
  maskedLMObjective,
  selectBackend,
  type TokenSequence,
} from '@icd/bert';
import { AdamW, RandomGenerator } from '@icd/train';
import type { TrainingSetup } from '@icd/train/node';

export interface MlmSetupOptions {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly vocab: number;
  readonly length: number;
  /** Sequences per micro-batch. */
  readonly microBatch: number;
  readonly backend: 'wasm' | 'cpu';
}

/** `count` random sequences of `length` tokens: [CLS] random ids [SEP]. */
export function syntheticSequences(count: number, length: number, vocab: number, seed = 7): TokenSequence[] {
  const random = new RandomGenerator(seed);
  return Array.from({ length: count }, () => {
    const inputIds = new Int32Array(length);
    const specialTokensMask = new Uint8Array(length);
    for (let i = 1; i < length - 1; i++) inputIds[i] = 1000 + random.nextInt(vocab - 1000);
    inputIds[0] = 101;
    inputIds[length - 1] = 102;
    specialTokensMask[0] = specialTokensMask[length - 1] = 1;
    return { inputIds, specialTokensMask };
  });
}

export async function buildMlm(options: MlmSetupOptions) {
  await selectBackend({ backend: options.backend });
  const config = new BertConfig({
    vocabSize: options.vocab,
    hiddenSize: options.hidden,
    numHiddenLayers: options.layers,
    numAttentionHeads: options.heads,
    intermediateSize: options.hidden * 4,
  });
  const model = new BertForMaskedLM(config, { seed: 1 });
  const pretrainable = bertForMaskedLMPretrainable(model);
  const collator = new MaskedLMCollator({ maskTokenId: 103, padTokenId: 0, vocabSize: options.vocab });
  const sequences = syntheticSequences(64, options.length, options.vocab);
  const batches = Array.from({ length: sequences.length / options.microBatch }, (_, b) =>
    sequences.slice(b * options.microBatch, (b + 1) * options.microBatch),
  );
  return { model, pretrainable, collator, batches };
}

export async function setup(options: MlmSetupOptions): Promise<TrainingSetup<readonly TokenSequence[]>> {
  const { pretrainable, collator, batches } = await buildMlm(options);
  return {
    batches: () => batches,
    objective: maskedLMObjective(pretrainable, collator),
    groups: [
      {
        name: 'model',
        parameters: pretrainable.weights,
        optimizer: new AdamW(pretrainable.weights, { learningRate: 1e-4 }),
      },
    ],
  };
}
