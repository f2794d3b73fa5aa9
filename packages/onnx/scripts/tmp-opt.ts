import { BertConfig, BertModel, selectBackend } from '@icd/bert';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../src/index.js';

await selectBackend({ backend: 'cpu' });
for (const [layers, hidden] of [
  [4, 256],
  [12, 768],
]) {
  const model = new BertModel(
    new BertConfig({
      numHiddenLayers: layers,
      hiddenSize: hidden,
      numAttentionHeads: hidden / 64,
      intermediateSize: hidden * 4,
    }),
    { seed: 1 },
  );
  for (const q of ['none', 'int8'] as const) {
    const bytes = await exportOnnx(model, { quantization: q });
    const s = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 2,
    });
    for (const [len, b] of [
      [512, 1],
      [128, 8],
    ]) {
      const n = len * b;
      const feeds = {
        input_ids: new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: n }, (_, i) => BigInt(1 + ((i * 7919) % 30000))),
          [b, len],
        ),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [b, len]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [b, len]),
      };
      await s.run(feeds);
      const times = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await s.run(feeds);
        times.push(performance.now() - t);
      }
      console.log(layers, hidden, q, len, b, times.map((t) => t.toFixed(0)).join(' '));
    }
  }
  model.dispose();
}
