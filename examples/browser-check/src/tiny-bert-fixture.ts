import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';

/** Served paths of the tiny checkpoint that the bert suite loads in both Node and Chromium. */
export const tinyBertPaths = {
  weights: '/fixtures/tiny-bert/model.safetensors',
  config: '/fixtures/tiny-bert/config.json',
} as const;

/**
 * A tiny seeded BERT masked-LM with a pooler (2 layers, hidden 16; `@icd/bert/test`'s `createTinyBert`) as
 * the files of a HuggingFace folder (`toPretrainedFiles`), made in Node before the check runs.
 */
export async function tinyBertFixture(): Promise<Map<string, Uint8Array>> {
  await selectBackend({ backend: 'cpu' });
  const model = createTinyBert({ seed: 11, addPoolingLayer: true });
  try {
    const files = await model.toPretrainedFiles();
    const bytes = (name: string): Uint8Array => {
      const file = files[name];
      if (file === undefined) throw new Error(`toPretrainedFiles() wrote no ${name}`);
      return typeof file === 'string' ? new TextEncoder().encode(file) : file;
    };
    return new Map([
      [tinyBertPaths.weights, bytes('model.safetensors')],
      [tinyBertPaths.config, bytes('config.json')],
    ]);
  } finally {
    model.dispose();
  }
}
