import { BertConfig } from '@icd/bert';
import { BertForMaskedLM } from '@icd/bert/node';
import { softmaxCrossEntropy } from '@icd/prompt';
import type { Tokenizer } from '@icd/tokenizer';
import { WordPieceTrainer } from '@icd/tokenizer';
import { AdamW, linearSchedule, RandomGenerator, registerGradients, Trainer } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';
import type { IcdConfig } from '../cli/config.js';
import type { ProgressBar } from '../cli/progress-bar.js';

/** What {@link pretrainMaskedLM} reports. */
export interface PretrainReport {
  readonly out: string;
  readonly vocabSize: number;
  readonly parameters: number;
  readonly steps: number;
  readonly seconds: number;
  /** Mean masked-LM loss of the first and the last tenth of the updates. */
  readonly firstLoss: number;
  readonly lastLoss: number;
  /** Share of masked tokens predicted right on a fresh masking of the first 64 texts. */
  readonly maskedAccuracy: number;
}

interface MlmBatch {
  readonly inputIds: tf.Tensor2D;
  readonly positions: tf.Tensor1D;
  readonly labels: Int32Array;
}

/** BERT's masking: 15% of the non-special tokens, of which 80% [MASK], 10% a random id, 10% kept. */
function maskBatch(
  rows: readonly number[][],
  length: number,
  tokenizer: Tokenizer,
  random: RandomGenerator,
): MlmBatch {
  const { cls, sep, pad, mask } = tokenizer.specialTokens;
  const special = new Set([cls, sep, pad, mask].map((token) => tokenizer.tokenToId(token)!));
  const maskId = tokenizer.tokenToId(mask)!;
  const ids = new Int32Array(rows.length * length).fill(tokenizer.tokenToId(pad)!);
  const positions: number[] = [];
  const labels: number[] = [];
  rows.forEach((row, r) => {
    row.forEach((id, c) => {
      ids[r * length + c] = id;
      if (special.has(id) || random.nextFloat() >= 0.15) return;
      positions.push(r * length + c);
      labels.push(id);
      const roll = random.nextFloat();
      if (roll < 0.8) ids[r * length + c] = maskId;
      else if (roll < 0.9) ids[r * length + c] = random.nextInt(tokenizer.vocabSize);
    });
  });
  if (positions.length === 0) {
    positions.push(1);
    labels.push(ids[1]!);
  }
  return {
    inputIds: tf.tensor2d(ids, [rows.length, length], 'int32'),
    positions: tf.tensor1d(positions, 'int32'),
    labels: Int32Array.from(labels),
  };
}

/**
 * `icd pretrain`: a WordPiece vocabulary trained on `texts`, then a small BERT pretrained on them with
 * the masked-LM objective through `@icd/train`'s `Trainer` (AdamW, linear warm-up and decay), saved
 * as a HuggingFace folder (config.json, model.safetensors, tokenizer files) in `pretrain.out`.
 *
 * @example
 * ```ts
 * const report = await pretrainMaskedLM(texts, { pretrain: { out: 'checkpoints/tiny', steps: 200 } });
 * ```
 */
export async function pretrainMaskedLM(
  texts: readonly string[],
  config: IcdConfig,
  options: { readonly bar?: () => ProgressBar; readonly signal?: AbortSignal } = {},
): Promise<PretrainReport> {
  const settings = config.pretrain ?? {};
  const out = settings.out ?? 'checkpoints/icd-pretrained';
  const seed = config.seed ?? 13;
  const steps = settings.steps ?? 300;
  const batchSize = settings.batchSize ?? 16;
  const length = settings.maxLength ?? 128;
  const hiddenSize = settings.hiddenSize ?? 64;
  const vocabulary = await new WordPieceTrainer({
    vocabSize: settings.vocabSize ?? 3000,
    minFrequency: 2,
  }).train([...texts]);
  const tokenizer = vocabulary.toTokenizer();
  registerGradients();
  const bertConfig = new BertConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize,
    numHiddenLayers: settings.layers ?? 2,
    numAttentionHeads: settings.heads ?? 2,
    intermediateSize: 4 * hiddenSize,
    maxPositionEmbeddings: Math.max(128, length),
  });
  const plm = new BertForMaskedLM(bertConfig, { seed, tokenizer });
  const rows = texts.map((text) =>
    tokenizer.encode(text, null, { maxLength: length, truncation: true }).ids.slice(),
  );
  const losses: number[] = [];
  let items = 0;
  const trainer = new Trainer<MlmBatch>({
    batches: function* (epoch) {
      const random = new RandomGenerator(seed * 31 + epoch);
      const order = rows.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = random.nextInt(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = 0; start + batchSize <= order.length; start += batchSize)
        yield maskBatch(
          order.slice(start, start + batchSize).map((i) => rows[i]!),
          length,
          tokenizer,
          random,
        );
    },
    objective: (batch, { training, seed: dropoutSeed }) => {
      const { logits, lastHiddenState } = plm.forwardMasked(
        { inputIds: batch.inputIds },
        { positions: batch.positions, training, dropoutSeed },
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
        optimizer: new AdamW(plm.weights, { learningRate: settings.learningRate ?? 1e-3, weightDecay: 0.01 }),
        schedule: linearSchedule({ warmupSteps: Math.floor(steps / 10), totalSteps: steps }),
      },
    ],
    totalSteps: steps,
    seed,
    progress: false,
    onStep: (update) => {
      options.signal?.throwIfAborted();
      losses.push(update.loss);
      items += batchSize;
      bar?.update(update.step, { loss: update.loss, items });
    },
  });
  const started = performance.now();
  const bar = options.bar?.();
  try {
    await trainer.train();
  } finally {
    trainer.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  bar?.finish();
  const held = maskBatch(rows.slice(0, 64), length, tokenizer, new RandomGenerator(99));
  const { logits, lastHiddenState } = plm.forwardMasked(
    { inputIds: held.inputIds },
    { positions: held.positions },
  );
  const argMax = tf.argMax(logits, -1);
  const predicted = (await argMax.data()) as Int32Array;
  const maskedAccuracy = predicted.filter((id, i) => id === held.labels[i]).length / held.labels.length;
  tf.dispose([logits, lastHiddenState, argMax, held.inputIds, held.positions]);
  await plm.save(out);
  const parameters = [...plm.weights.values()].reduce((sum, weight) => sum + weight.size, 0);
  plm.dispose();
  const tenth = Math.max(1, Math.floor(losses.length / 10));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    out,
    vocabSize: tokenizer.vocabSize,
    parameters,
    steps,
    seconds,
    firstLoss: mean(losses.slice(0, tenth)),
    lastLoss: mean(losses.slice(-tenth)),
    maskedAccuracy,
  };
}
