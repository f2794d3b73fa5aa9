/**
 * Step time of a multi-label coding head (linear layer over the [CLS] vector, binary cross-entropy) on a
 * BERT encoder that is frozen (only the head is trained: forward through the encoder, no encoder backward)
 * or tuned with it (encoder under its own AdamW rate).
 */

import { AdamW, type ParameterGroup, Trainer } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';
import { buildMlm, type MlmSetupOptions } from './mlm-setup.js';

interface HeadBatch {
  readonly inputIds: Int32Array;
  readonly labels: Float32Array;
}

/** mean(max(x, 0) − x·z + log(1 + exp(−|x|))): the numerically stable BCE with logits. */
function binaryCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.mean(
    tf.add(
      tf.sub(tf.relu(logits), tf.mul(logits, labels)),
      tf.log(tf.add(1, tf.exp(tf.neg(tf.abs(logits))))),
    ),
  ) as tf.Scalar;
}

export async function measureHead(
  options: MlmSetupOptions,
  frozen: boolean,
  steps: number,
  labels = 50,
): Promise<{ stepSeconds: number }> {
  const { model, batches } = await buildMlm(options);
  const head = new Map<string, tf.Variable>([
    ['classifier.weight', tf.variable(tf.randomNormal([options.hidden, labels], 0, 0.02, 'float32', 3))],
    ['classifier.bias', tf.variable(tf.zeros([labels]))],
  ]);
  const encoder = new Map(
    [...model.weights].filter(([name]) => name.startsWith('bert.') && !name.startsWith('bert.pooler.')),
  );
  const headBatches: HeadBatch[] = batches.map((sequences, b) => {
    const inputIds = new Int32Array(sequences.length * options.length);
    for (const [row, sequence] of sequences.entries()) inputIds.set(sequence.inputIds, row * options.length);
    const target = new Float32Array(sequences.length * labels).map((_, i) =>
      (i * 7 + b) % 11 === 0 ? 1 : 0,
    );
    return { inputIds, labels: target };
  });
  const groups: ParameterGroup[] = [
    { name: 'head', parameters: head, optimizer: new AdamW(head, { learningRate: 1e-3 }) },
  ];
  if (!frozen)
    groups.push({
      name: 'encoder',
      parameters: encoder,
      optimizer: new AdamW(encoder, { learningRate: 5e-5 }),
    });
  const rows = options.microBatch;
  const trainer = new Trainer<HeadBatch>({
    batches: () => headBatches,
    objective: (batch, { training, seed }) => {
      const inputIds = tf.tensor2d(batch.inputIds, [rows, options.length], 'int32');
      const { lastHiddenState } = model.bert.forward(
        { inputIds, attentionMask: tf.onesLike(inputIds) },
        { training, dropoutSeed: seed },
      );
      const cls = tf.reshape(tf.slice(lastHiddenState, [0, 0, 0], [rows, 1, options.hidden]), [
        rows,
        options.hidden,
      ]);
      const logits = tf.add(tf.matMul(cls, head.get('classifier.weight')!), head.get('classifier.bias')!);
      return { loss: binaryCrossEntropy(logits, tf.tensor2d(batch.labels, [rows, labels])), items: rows };
    },
    groups,
    totalSteps: steps + 1,
    progress: false,
  });
  await trainer.train({ maxSteps: 1 });
  const result = await trainer.train({ maxSteps: steps });
  trainer.dispose();
  model.dispose();
  tf.dispose([...head.values()]);
  return { stepSeconds: result.seconds / steps };
}
