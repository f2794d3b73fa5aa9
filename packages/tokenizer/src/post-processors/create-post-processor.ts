import { DataFormatError, invalidArgument, UnsupportedError } from '@icd/core';
import { BertProcessing } from './bert-processing.js';
import type { PostProcessor, PostProcessorJson } from './post-processor.js';
import { TemplateProcessing } from './template-processing.js';

function pair(value: unknown, key: string): [string, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'string' ||
    !Number.isSafeInteger(value[1]) ||
    value[1] < 0
  ) {
    throw new DataFormatError({
      message: `post_processor.${key} must be [token, non-negative integer id], got ${JSON.stringify(value)}`,
    });
  }
  return [value[0], value[1]];
}

/**
 * Builds a post-processor from its `tokenizer.json` form. Supported: `TemplateProcessing`,
 * `BertProcessing`.
 *
 * @throws UnsupportedError for another `type`.
 * @example
 * ```ts
 * createPostProcessor({ type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] }).addedTokens(true); // 3
 * ```
 */
export function createPostProcessor(json: PostProcessorJson): PostProcessor {
  if (json === null || typeof json !== 'object')
    invalidArgument('createPostProcessor', 'json', 'an object', json);
  switch (json.type) {
    case 'TemplateProcessing':
      return TemplateProcessing.fromJSON(json);
    case 'BertProcessing':
      return new BertProcessing(pair(json.sep, 'sep'), pair(json.cls, 'cls'));
    default:
      throw new UnsupportedError({
        feature: `postProcessor:${String(json.type)}`,
        message: `Post-processor type ${JSON.stringify(json.type)} is not supported; @icd/tokenizer reads 'TemplateProcessing' and 'BertProcessing'`,
      });
  }
}
