/**
 * The bench's PLM: a small BERT pretrained with the masked-LM objective (15% of tokens, 80/10/10) on
 * synthetic cardiology notes that are NOT in the prompt task's test split, through @icd/train's Trainer.
 * Cached under checkpoints/prompt-bench/ (git-ignored) so reruns skip it.
 */
import { existsSync } from 'node:fs';
import { BertConfig } from '@icd/bert';
import { BertForMaskedLM } from '@icd/bert/node';
import { softmaxCrossEntropy } from '@icd/prompt';
import type { Tokenizer } from '@icd/tokenizer';
import { AdamW, linearSchedule, RandomGenerator, registerGradients, Trainer } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';

export interface PretrainReport {
  readonly cached: boolean;
  readonly steps: number;
  readonly seconds: number;
  readonly firstLoss: number;
  readonly lastLoss: number;
  readonly maskedAccuracy: number;
}

interface MlmBatch {
  readonly inputIds: tf.Tensor2D;
  readonly positions: tf.Tensor1D;
  readonly labels: Int32Array;
}

/** Token rows of at most `length` ids ([CLS] ... [SEP]) from the notes. */
function rows(tokenizer: Tokenizer, texts: readonly string[], length: number): number[][] {
  return texts.map((text) =>
    tokenizer.encode(text, null, { maxLength: length, truncation: true }).ids.slice(),
  );
}

function maskBatch(
  batch: readonly number[][],
  length: number,
  vocabSize: number,
  random: RandomGenerator,
  special: Set<number>,
  maskId: number,
  padId: number,
): MlmBatch {
  const ids = new Int32Array(batch.length * length).fill(padId);
  const positions: number[] = [];
  const labels: number[] = [];
  batch.forEach((row, r) => {
    row.forEach((id, c) => {
      ids[r * length + c] = id;
      if (special.has(id) || random.nextFloat() >= 0.15) return;
      positions.push(r * length + c);
      labels.push(id);
      const roll = random.nextFloat();
      if (roll < 0.8) ids[r * length + c] = maskId;
      else if (roll < 0.9) ids[r * length + c] = random.nextInt(vocabSize);
    });
  });
  if (positions.length === 0) {
    positions.push(1);
    labels.push(ids[1]!);
  }
  return {
    inputIds: tf.tensor2d(ids, [batch.length, length], 'int32'),
    positions: tf.tensor1d(positions, 'int32'),
    labels: Int32Array.from(labels),
  };
}

export async function pretrainedBert(
  directory: string,
  tokenizer: Tokenizer,
  texts: readonly string[],
  options: {
    readonly steps: number;
    readonly batchSize: number;
    readonly length: number;
    readonly seed: number;
    readonly hiddenSize: number;
  },
): Promise<{ plm: BertForMaskedLM; report: PretrainReport }> {
  if (existsSync(`${directory}/model.safetensors`)) {
    const plm = await BertForMaskedLM.fromPretrained(directory, { tokenizer });
    return {
      plm,
      report: {
        cached: true,
        steps: 0,
        seconds: 0,
        firstLoss: Number.NaN,
        lastLoss: Number.NaN,
        maskedAccuracy: Number.NaN,
      },
    };
  }
  registerGradients();
  const config = new BertConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: options.hiddenSize,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 4 * options.hiddenSize,
    maxPositionEmbeddings: 512,
  });
  const plm = new BertForMaskedLM(config, { seed: options.seed, tokenizer });
  const data = rows(tokenizer, texts, options.length);
  const { cls, sep, pad, mask } = tokenizer.specialTokens;
  const special = new Set([cls, sep, pad, mask].map((token) => tokenizer.tokenToId(token)!));
  const maskId = tokenizer.tokenToId(mask)!;
  const padId = tokenizer.tokenToId(pad)!;
  const losses: number[] = [];
  const trainer = new Trainer<MlmBatch>({
    batches: function* (epoch) {
      const random = new RandomGenerator(options.seed * 31 + epoch);
      const order = data.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = random.nextInt(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = 0; start + options.batchSize <= order.length; start += options.batchSize)
        yield maskBatch(
          order.slice(start, start + options.batchSize).map((i) => data[i]!),
          options.length,
          tokenizer.vocabSize,
          random,
          special,
          maskId,
          padId,
        );
    },
    objective: (batch, { training, seed }) => {
      const { logits, lastHiddenState } = plm.forwardMasked(
        { inputIds: batch.inputIds },
        { positions: batch.positions, training, dropoutSeed: seed },
      );
      lastHiddenState?.dispose();
      const loss = softmaxCrossEntropy(logits as tf.Tensor2D, batch.labels);
      logits.dispose();
      tf.dispose([batch.inputIds, batch.positions]);
      return { loss, items: batch.labels.length };
    },
    groups: [
      {
        name: 'plm',
        parameters: plm.weights,
        optimizer: new AdamW(plm.weights, { learningRate: 1e-3, weightDecay: 0.01 }),
        schedule: linearSchedule({ warmupSteps: Math.floor(options.steps / 10), totalSteps: options.steps }),
      },
    ],
    totalSteps: options.steps,
    seed: options.seed,
    progress: false,
    onStep: (update) => {
      losses.push(update.loss);
    },
  });
  const started = performance.now();
  await trainer.train();
  trainer.dispose();
  const seconds = (performance.now() - started) / 1000;
  // Masked-token accuracy on a fresh masking of the first 64 notes.
  const held = maskBatch(
    data.slice(0, 64),
    options.length,
    tokenizer.vocabSize,
    new RandomGenerator(99),
    special,
    maskId,
    padId,
  );
  const { logits, lastHiddenState } = plm.forwardMasked(
    { inputIds: held.inputIds },
    { positions: held.positions },
  );
  const predicted = (await tf.argMax(logits, -1).data()) as Int32Array;
  const maskedAccuracy = predicted.filter((id, i) => id === held.labels[i]).length / held.labels.length;
  tf.dispose([logits, lastHiddenState, held.inputIds, held.positions]);
  await plm.save(directory);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    plm,
    report: {
      cached: false,
      steps: options.steps,
      seconds,
      firstLoss: mean(losses.slice(0, 10)),
      lastLoss: mean(losses.slice(-10)),
      maskedAccuracy,
    },
  };
}
