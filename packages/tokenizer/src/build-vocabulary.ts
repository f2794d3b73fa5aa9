import { DataFormatError } from '@icd/core';
import type { AddedToken } from './added-vocabulary.js';
import type { Model } from './models/model.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import { TemplateProcessing } from './post-processors/template-processing.js';

/**
 * The token of every id (model vocabulary, then added tokens), after checking that the parts agree:
 *
 * - an added token the model knows has the model's id (HF looks it up the same way);
 * - the others have distinct ids in `[modelSize, modelSize + count)`, where HF's added vocabulary puts them;
 * - every id a post-processor template emits is an id of this vocabulary.
 *
 * So no id read from a file can allocate beyond the vocabulary or wrap in an `Int32Array`.
 *
 * @internal
 */
export function buildVocabulary(
  model: Model,
  addedTokens: readonly AddedToken[],
  postProcessor: PostProcessor | null,
): (string | undefined)[] {
  const modelSize = model.vocabSize;
  const extra = new Map<number, string>();
  const contents = new Set<string>();
  for (const token of addedTokens) {
    if (model.tokenToId(token.content) === undefined) contents.add(token.content);
  }
  addedTokens.forEach((token, index) => {
    const where = `added_tokens[${index}] ${JSON.stringify(token.content)}`;
    const modelId = model.tokenToId(token.content);
    if (modelId !== undefined) {
      if (token.id !== modelId)
        fail(`${where} has id ${token.id}, but the model vocabulary gives it id ${modelId}`);
      return;
    }
    if (!Number.isSafeInteger(token.id) || token.id < modelSize || token.id >= modelSize + contents.size) {
      fail(
        `${where} is not in the model vocabulary, so its id must be in [${modelSize}, ${modelSize + contents.size - 1}] (after the ${modelSize} model ids), got ${token.id}`,
      );
    }
    const owner = extra.get(token.id);
    if (owner !== undefined && owner !== token.content)
      fail(`${where} has id ${token.id}, already the id of added token ${JSON.stringify(owner)}`);
    extra.set(token.id, token.content);
  });
  const vocabulary = new Array<string | undefined>(modelSize + extra.size);
  for (let id = 0; id < modelSize; id++) vocabulary[id] = model.idToToken(id);
  for (const token of addedTokens) vocabulary[token.id] = token.content;
  if (postProcessor instanceof TemplateProcessing) {
    for (const { name, id } of postProcessor.specialTokenIds()) {
      if (id >= vocabulary.length || vocabulary[id] === undefined) {
        fail(
          `post_processor.special_tokens[${JSON.stringify(name)}] has id ${id}, which is not an id of the vocabulary (${vocabulary.length} ids)`,
        );
      }
    }
  }
  return vocabulary;
}

function fail(message: string): never {
  throw new DataFormatError({ message: `tokenizer parts disagree: ${message}` });
}
