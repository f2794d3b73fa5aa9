import { invalidArgument } from '@icd/core';
import { type FetchHubOptions, fetchPretrainedFiles } from '@icd/hub';
import { tokenizerFromPretrainedFiles } from './pretrained-tokenizer-files.js';
import type { Tokenizer } from './tokenizer.js';

/**
 * Loads the tokenizer of a HuggingFace Hub model repo over `fetch` (browsers, workers), its files kept
 * in the Cache API (`icd-hub`, or `options.cache`), as `AutoTokenizer.from_pretrained` builds a BERT
 * tokenizer: `tokenizer.json` when the repo has one, else `vocab.txt` (older repos such as
 * Bio_ClinicalBERT) with `tokenizer_config.json` (`do_lower_case` default true, `strip_accents`
 * following it, `tokenize_chinese_chars` default true) and `special_tokens_map.json`. Only the tokenizer
 * files are fetched, so a repo whose weights are a pickle still gives its tokenizer. In Node,
 * `loadPretrainedTokenizer` of `@icd/tokenizer/node` takes a folder or an id and uses the Python cache.
 *
 * @throws HubError (`gated`, `notFound`, `notCached`, `network`, `integrity`) from `@icd/hub`;
 * CheckpointError naming the file when the repo has no tokenizer or a file is malformed;
 * UnsupportedError for a non-BERT `tokenizer_class` without `tokenizer.json`.
 * @example
 * ```ts
 * // loadPretrainedTokenizer of the main entry (`@icd/tokenizer`)
 * const tokenizer = await loadPretrainedTokenizer('emilyalsentzer/Bio_ClinicalBERT');
 * tokenizer.encode('Chest pain').tokens; // ['[CLS]', 'chest', 'pain', '[SEP]']
 * ```
 */
export async function loadPretrainedTokenizer(
  repo: string,
  options: FetchHubOptions = {},
): Promise<Tokenizer> {
  if (options === null || typeof options !== 'object')
    invalidArgument('loadPretrainedTokenizer', 'options', 'an options object', options);
  const { files } = await fetchPretrainedFiles(repo, { ...options, include: ['tokenizer'] });
  const where = `${options.endpoint ?? 'https://huggingface.co'}/${repo}${options.subfolder ? `/${options.subfolder}` : ''}`;
  return tokenizerFromPretrainedFiles(files, where);
}
