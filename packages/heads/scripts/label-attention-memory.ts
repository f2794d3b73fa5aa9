// Memory of one LabelAttention forward (and one gradient step) on a long note with a large label space.
// Run from the repository root (heavy: ~1 minute on 2 busy cores):
//   nice -n 10 node --conditions=@icd/source --import tsx packages/heads/scripts/label-attention-memory.ts [labels] [tokens] [hidden] [knowledgeTexts]
// With knowledgeTexts > 0, the same for a KnowledgeInjectedLabelAttention over that many knowledge texts.
// Figures come from tf.profile (peakBytes: the most tensor memory alive at once during the call;
// newBytes: what the call leaves behind, i.e. its outputs). Defaults: 8,000 labels × 3,000 tokens × 128.
import { cpus, loadavg } from 'node:os';
import { ensureBackend } from '@icd/bert';
import * as tf from '@tensorflow/tfjs-core';
import { KnowledgeInjectedLabelAttention, LabelAttention } from '../src/index.js';

const [labels = 8000, tokens = 3000, hidden = 128, knowledgeTexts = 0] = process.argv.slice(2).map(Number);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const backend = await ensureBackend();
  const head = new LabelAttention({
    labels: Array.from({ length: labels }, (_, i) => `C${i}`),
    hiddenSize: hidden,
    projectionSize: hidden,
    seed: 1,
  });
  const states = tf.randomNormal([1, tokens, hidden], 0, 1, 'float32', 2);
  // The last 10% of the positions are padding, as in a last window.
  const real = Math.floor(tokens * 0.9);
  const mask = tf.tidy(() => tf.concat([tf.ones([1, real]), tf.zeros([1, tokens - real])], 1));
  const weightBytes = [...head.weights.values()].reduce((sum, v) => sum + v.size * 4, 0);
  const matrix = labels * tokens * 4;
  console.log(
    `date ${new Date().toISOString()}; backend ${backend}; ${cpus().length} × ${cpus()[0]?.model}; load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `${labels} labels × ${tokens} tokens × hidden ${hidden}: weights ${mib(weightBytes)}; one [labels, sequence] float32 matrix ${mib(matrix)}`,
  );
  for (const outputLabelAttention of [true, false]) {
    const started = performance.now();
    const profile = await tf.profile(() => {
      const out = head.forward(states, mask, { outputLabelAttention });
      return out.labelAttention === undefined ? out.logits : [out.logits, out.labelAttention];
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `forward (outputLabelAttention ${outputLabelAttention}): peak ${mib(profile.peakBytes)} (${(profile.peakBytes / matrix).toFixed(2)} matrices), kept ${mib(profile.newBytes)}, ${seconds.toFixed(1)} s`,
    );
    tf.dispose(profile.result as tf.Tensor | tf.Tensor[]);
  }
  const targets = tf.zeros([1, labels]);
  const started = performance.now();
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => {
      const { logits } = head.forward(states, mask, { training: true, outputLabelAttention: false });
      return tf.mean(tf.sub(tf.log(tf.add(1, tf.exp(logits))), tf.mul(logits, targets))) as tf.Scalar;
    });
    return [value, ...Object.values(grads)];
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `gradient step (forward + backward): peak ${mib(profile.peakBytes)} (${(profile.peakBytes / matrix).toFixed(2)} matrices), ${seconds.toFixed(1)} s`,
  );
  tf.dispose([...(profile.result as tf.Tensor[]), targets]);
  head.dispose();
  if (knowledgeTexts > 0) {
    const knowledge = tf.randomNormal([knowledgeTexts, hidden], 0, 1, 'float32', 3);
    const injected = new KnowledgeInjectedLabelAttention(
      {
        labels: Array.from({ length: labels }, (_, i) => `C${i}`),
        hiddenSize: hidden,
        projectionSize: hidden,
        seed: 1,
      },
      knowledge,
    );
    knowledge.dispose();
    const started = performance.now();
    const profile = await tf.profile(
      () => injected.forward(states, mask, { outputLabelAttention: false }).logits,
    );
    console.log(
      `knowledge-injected forward (${knowledgeTexts} texts, one [sequence, texts] matrix ${mib(tokens * knowledgeTexts * 4)}): peak ${mib(profile.peakBytes)}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    tf.dispose(profile.result as tf.Tensor);
    injected.dispose();
  }
  tf.dispose([states, mask]);
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

await main();
