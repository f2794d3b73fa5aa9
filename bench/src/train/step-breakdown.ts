/**
 * Where a masked-LM update's time goes (mini / 128 / batch 8 on tfjs-wasm): forward + loss alone,
 * forward + backward (gradients), and clip + AdamW over every parameter. Prints JSON with
 * the 1-minute load average; the shares, not the absolute times, are what to read on a shared machine.
 *
 *   node --conditions=@icd/source --import tsx bench/src/train/step-breakdown.ts
 */
import { loadavg } from 'node:os';
import { AdamW, clipGradientsByGlobalNorm, deriveSeed } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';
import { buildMlm } from './mlm-setup.js';

const { pretrainable, collator, batches } = await buildMlm({
  layers: 4,
  hidden: 256,
  heads: 4,
  vocab: 30522,
  length: 128,
  microBatch: 8,
  backend: 'wasm',
});
const { maskedLMObjective } = await import('@icd/bert');
const objective = maskedLMObjective(pretrainable, collator);
const variables = [...pretrainable.weights.values()];
const context = (i: number) => ({ training: true, step: i, microBatch: i, seed: deriveSeed(1, i) });
const time = async (label: string, repeats: number, run: (i: number) => void | Promise<void>) => {
  await run(0);
  const start = performance.now();
  for (let i = 1; i <= repeats; i++) await run(i);
  const seconds = (performance.now() - start) / 1000 / repeats;
  console.log(JSON.stringify({ label, seconds: Number(seconds.toFixed(3)), load: loadavg()[0]!.toFixed(1) }));
  return seconds;
};
await time('forward + loss', 2, (i) => {
  tf.tidy(() => {
    const output = objective(batches[i % batches.length]!, context(i));
    return (output as { loss: tf.Scalar }).loss.dataSync();
  });
});
const optimizer = new AdamW(pretrainable.weights, { learningRate: 1e-4 });
let last: Map<string, tf.Tensor> | undefined;
await time('forward + backward', 2, (i) => {
  if (last) tf.dispose([...last.values()]);
  const { value, grads } = tf.variableGrads(
    () => (objective(batches[i % batches.length]!, context(i)) as { loss: tf.Scalar }).loss,
    variables,
  );
  value.dispose();
  const names = new Map([...pretrainable.weights].map(([name, v]) => [v.name, name]));
  last = new Map(Object.entries(grads).map(([k, g]) => [names.get(k)!, g]));
  void [...last.values()].at(-1)!.dataSync();
});
await time('clip + AdamW over all parameters', 2, () => {
  const clipped = clipGradientsByGlobalNorm(last!, 1);
  optimizer.applyGradients(clipped.gradients);
  tf.dispose([...clipped.gradients.values()]);
  void variables.at(-1)!.dataSync();
});
