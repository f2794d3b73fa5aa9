/**
 * The [CLS] fine-tuning baseline of the prompt comparison: the same pretrained encoder with
 * `@icd/heads`' `ClsHead` ([CLS] + linear layer) on top, trained through `@icd/train`'s `Trainer` with
 * the same recipe as `trainPromptModel` (AdamW for encoder and head with their own learning rates,
 * linear warm-up then decay, clipping 1, seeded shuffling, evaluation on a validation split carved from
 * train with early stopping and the best weights restored, a multi-label threshold tuned on validation).
 */
import type { BertModel } from '@icd/bert';
import type { ClsHead } from '@icd/heads';
import { tuneThreshold } from '@icd/metrics';
import { sigmoidBinaryCrossEntropy, softmaxCrossEntropy } from '@icd/prompt';
import type { Tokenizer } from '@icd/tokenizer';
import { AdamW, linearSchedule, RandomGenerator, registerGradients, Trainer } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';

export interface LabelledText {
  readonly text: string;
  /** Indicator row over the classes. */
  readonly indicators: readonly number[];
}

interface Batch {
  readonly ids: Int32Array;
  readonly mask: Int32Array;
  readonly shape: [number, number];
  readonly indicators: Float32Array;
  readonly classIndex: Int32Array;
}

export interface ClsFineTuneOptions {
  readonly encoder: BertModel;
  readonly head: ClsHead;
  readonly tokenizer: Tokenizer;
  readonly window: number;
  readonly multiLabel: boolean;
  readonly train: readonly LabelledText[];
  readonly validation: readonly LabelledText[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRates: { readonly encoder: number; readonly head: number };
  readonly freezeEncoder?: boolean;
  readonly patience: number;
  readonly evaluations: number;
  readonly seed: number;
  readonly onStep?: (update: { step: number; loss: number }) => void;
}

export class ClsClassifier {
  thresholds: number[];
  constructor(
    readonly encoder: BertModel,
    readonly head: ClsHead,
    readonly tokenizer: Tokenizer,
    readonly window: number,
    readonly multiLabel: boolean,
  ) {
    this.thresholds = head.labels.map(() => 0.5);
  }

  encode(texts: readonly string[], rows: readonly (readonly number[])[] = []): Batch {
    const encoded = texts.map(
      (text) => this.tokenizer.encode(text, null, { maxLength: this.window, truncation: true }).ids,
    );
    const length = Math.max(...encoded.map((ids) => ids.length));
    const ids = new Int32Array(texts.length * length);
    const mask = new Int32Array(texts.length * length);
    encoded.forEach((row, r) => {
      row.forEach((id, c) => {
        ids[r * length + c] = id;
        mask[r * length + c] = 1;
      });
    });
    const classes = this.head.labels.length;
    const indicators = new Float32Array(texts.length * classes);
    const classIndex = new Int32Array(texts.length);
    rows.forEach((row, r) => {
      row.forEach((value, j) => {
        indicators[r * classes + j] = value;
        if (value === 1) classIndex[r] = j;
      });
    });
    return { ids, mask, shape: [texts.length, length], indicators, classIndex };
  }

  logits(batch: Batch, training = false, dropoutSeed?: number): tf.Tensor2D {
    return tf.tidy(() => {
      const inputIds = tf.tensor2d(batch.ids, batch.shape, 'int32');
      const attentionMask = tf.tensor2d(batch.mask, batch.shape, 'int32');
      const options = { training, ...(dropoutSeed === undefined ? {} : { dropoutSeed }) };
      const { lastHiddenState } = this.encoder.forward({ inputIds, attentionMask }, options);
      return this.head.forward(lastHiddenState, attentionMask, options).logits as tf.Tensor2D;
    });
  }

  loss(batch: Batch, logits: tf.Tensor2D): tf.Scalar {
    return this.multiLabel
      ? sigmoidBinaryCrossEntropy(logits, batch.indicators)
      : softmaxCrossEntropy(logits, batch.classIndex);
  }

  async predictProbabilities(texts: readonly string[], batchSize = 16): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const classes = this.head.labels.length;
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = this.encode(texts.slice(start, start + batchSize));
      const probabilities = tf.tidy(() => {
        const logits = this.logits(batch);
        return this.multiLabel ? tf.sigmoid(logits) : tf.softmax(logits);
      });
      const data = (await probabilities.data()) as Float32Array;
      probabilities.dispose();
      for (let r = 0; r * classes < data.length; r++) out.push(data.slice(r * classes, (r + 1) * classes));
    }
    return out;
  }

  async validationLoss(examples: readonly LabelledText[], batchSize = 16): Promise<number> {
    let total = 0;
    for (let start = 0; start < examples.length; start += batchSize) {
      const rows = examples.slice(start, start + batchSize);
      const batch = this.encode(
        rows.map((row) => row.text),
        rows.map((row) => row.indicators),
      );
      const value = tf.tidy(() => this.loss(batch, this.logits(batch)));
      total += (await value.data())[0]! * rows.length;
      value.dispose();
    }
    return total / examples.length;
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
  }
}

function shuffled(n: number, seed: number): number[] {
  const random = new RandomGenerator(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = random.nextInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export async function fineTuneCls(options: ClsFineTuneOptions) {
  registerGradients();
  const model = new ClsClassifier(
    options.encoder,
    options.head,
    options.tokenizer,
    options.window,
    options.multiLabel,
  );
  const { train, batchSize } = options;
  const batchesPerEpoch = Math.ceil(train.length / batchSize);
  const totalSteps = options.epochs * batchesPerEpoch;
  const schedule = linearSchedule({ warmupSteps: Math.floor(0.1 * totalSteps), totalSteps });
  const groups = [
    ...(options.freezeEncoder
      ? []
      : [
          {
            name: 'encoder',
            parameters: options.encoder.weights,
            optimizer: new AdamW(options.encoder.weights, {
              learningRate: options.learningRates.encoder,
              weightDecay: 0.01,
            }),
            schedule,
          },
        ]),
    {
      name: 'head',
      parameters: options.head.weights,
      optimizer: new AdamW(options.head.weights, {
        learningRate: options.learningRates.head,
        weightDecay: 0,
      }),
      schedule,
    },
  ];
  const trained = new Map(groups.flatMap((group) => [...group.parameters]));
  // Pre-tokenised batches (as trainPromptModel wraps every note once).
  const encoded = train.map((example) => model.encode([example.text], [example.indicators]));
  const collate = (rows: readonly number[]): Batch => {
    const length = Math.max(...rows.map((r) => encoded[r]!.shape[1]));
    const classes = options.head.labels.length;
    const ids = new Int32Array(rows.length * length);
    const mask = new Int32Array(rows.length * length);
    const indicators = new Float32Array(rows.length * classes);
    const classIndex = new Int32Array(rows.length);
    rows.forEach((row, r) => {
      const one = encoded[row]!;
      ids.set(one.ids, r * length);
      mask.set(one.mask, r * length);
      indicators.set(one.indicators, r * classes);
      classIndex[r] = one.classIndex[0]!;
    });
    return { ids, mask, shape: [rows.length, length], indicators, classIndex };
  };
  let best: { value: number; step: number; weights: Map<string, tf.Tensor> } | undefined;
  const trainer = new Trainer<Batch>({
    batches: (epoch) => {
      const order = shuffled(train.length, options.seed * 7919 + epoch);
      const out: Batch[] = [];
      for (let start = 0; start < order.length; start += batchSize)
        out.push(collate(order.slice(start, start + batchSize)));
      return out;
    },
    objective: (batch, context) => ({
      loss: model.loss(batch, model.logits(batch, context.training, context.seed)),
      items: batch.shape[0],
    }),
    groups,
    totalSteps,
    maxGradNorm: 1,
    progress: false,
    ...(options.onStep ? { onStep: options.onStep } : {}),
    seed: options.seed,
    ...(options.validation.length === 0
      ? {}
      : {
          evaluate: {
            every: Math.max(batchesPerEpoch, Math.ceil(totalSteps / options.evaluations)),
            metric: 'loss',
            mode: 'min',
            patience: options.patience,
            run: async (step) => {
              const loss = await model.validationLoss(options.validation);
              if (!best || loss < best.value) {
                for (const tensor of best?.weights.values() ?? []) tensor.dispose();
                best = {
                  value: loss,
                  step,
                  weights: new Map([...trained].map(([name, v]) => [name, tf.keep(v.clone())])),
                };
              }
              return { loss };
            },
          },
        }),
  });
  try {
    const result = await trainer.train();
    if (best) for (const [name, tensor] of best.weights) trained.get(name)!.assign(tensor);
    if (options.multiLabel && options.validation.length > 0) {
      const probabilities = await model.predictProbabilities(options.validation.map((e) => e.text));
      const tuned = tuneThreshold(
        options.validation.map((e) => [...e.indicators]),
        probabilities.map((p) => Array.from(p)),
        { mode: 'global' },
      );
      model.thresholds = options.head.labels.map(() => tuned.thresholds[0]!);
    }
    return { model, result, bestStep: best?.step, validationLoss: best?.value, totalSteps };
  } finally {
    for (const tensor of best?.weights.values() ?? []) tensor.dispose();
    trainer.dispose();
  }
}
