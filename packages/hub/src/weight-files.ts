import { inSubfolder } from './hub-options.js';

/** What a repo's listing offers for weights. @internal */
export type WeightChoice =
  | { readonly kind: 'single'; readonly file: string }
  | { readonly kind: 'sharded'; readonly index: string }
  | { readonly kind: 'pickle'; readonly file: string }
  | { readonly kind: 'none' };

/** Picks the weights as transformers does with safetensors preferred: single file, else index. @internal */
export function chooseWeights(files: readonly string[], subfolder: string | undefined): WeightChoice {
  const has = (name: string) => files.includes(inSubfolder(subfolder, name));
  if (has('model.safetensors')) return { kind: 'single', file: inSubfolder(subfolder, 'model.safetensors') };
  if (has('model.safetensors.index.json'))
    return { kind: 'sharded', index: inSubfolder(subfolder, 'model.safetensors.index.json') };
  for (const pickle of ['pytorch_model.bin', 'pytorch_model.bin.index.json'])
    if (has(pickle)) return { kind: 'pickle', file: inSubfolder(subfolder, pickle) };
  return { kind: 'none' };
}

/** The shard file names of a `model.safetensors.index.json`, or an error message. @internal */
export function shardNames(indexText: string): string[] | string {
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(indexText) as { weight_map?: unknown }).weight_map;
  } catch (cause) {
    return `is not JSON (${String(cause)})`;
  }
  if (typeof weightMap !== 'object' || weightMap === null) return 'has no "weight_map" object';
  const names = [...new Set(Object.values(weightMap as Record<string, unknown>))];
  for (const name of names)
    if (typeof name !== 'string' || name === '' || name.includes('/') || name.includes('\\') || name === '..')
      return `lists shard ${JSON.stringify(name)}; expected a file name beside the index`;
  return names as string[];
}

/** The tokenizer files a loader may use, all optional. @internal */
export const tokenizerFileNames = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.txt',
  'special_tokens_map.json',
] as const;

/** @internal The message for a pickle-only repo. */
export function pickleMessage(repo: string, pullRequests: readonly string[]): string {
  const pr =
    pullRequests.length > 0
      ? ` The Hub has a safetensors conversion of it: pass { revision: '${pullRequests[0]}' }.`
      : '';
  return (
    `has only pytorch_model.bin (a pickle, which can run arbitrary code and is never loaded here).${pr} ` +
    `Otherwise convert it once in Python: \`from transformers import AutoModelForMaskedLM; ` +
    `AutoModelForMaskedLM.from_pretrained('${repo}').save_pretrained('local-folder', safe_serialization=True)\` ` +
    `and load 'local-folder', or open the conversion pull request with https://huggingface.co/spaces/safetensors/convert.`
  );
}
