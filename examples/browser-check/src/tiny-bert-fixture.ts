import { BertConfig, selectBackend, serializeSafetensors } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';

/** Served paths of the tiny checkpoint that the bert suite loads in both Node and Chromium. */
export const tinyBertPaths = {
  weights: '/fixtures/tiny-bert/model.safetensors',
  config: '/fixtures/tiny-bert/config.json',
} as const;

/**
 * A tiny seeded BERT masked-LM (2 layers, hidden 16; `@icd/bert/test`'s `createTinyBert`) written as a
 * HuggingFace checkpoint (safetensors bytes + config.json), made in Node before the check runs.
 */
export async function tinyBertFixture(): Promise<Map<string, Uint8Array>> {
  await selectBackend({ backend: 'cpu' });
  const model = createTinyBert({ seed: 11, addPoolingLayer: true });
  try {
    const tensors = [...model.weights].map(([name, variable]) => ({
      name,
      shape: variable.shape,
      data: variable.dataSync() as Float32Array,
    }));
    const config = JSON.stringify(BertConfig.fromJSON(model.config.toJSON()).toJSON());
    return new Map([
      [tinyBertPaths.weights, serializeSafetensors(tensors)],
      [tinyBertPaths.config, new TextEncoder().encode(config)],
    ]);
  } finally {
    model.dispose();
  }
}
