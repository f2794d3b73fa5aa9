import { ClsHead, type ClsHeadJson } from '../layers/cls-head.js';
import {
  KnowledgeInjectedLabelAttention,
  type KnowledgeInjectedLabelAttentionJson,
} from '../layers/knowledge-injection.js';
import { LabelAttention, type LabelAttentionJson } from '../layers/label-attention.js';
import type { HeadBuilder } from './head-coder-files.js';

/**
 * Builders of the heads this package ships, by `toJSON().headType`; `headCoderFromFiles` looks a
 * saved head up here unless `options.heads` has a builder for its type.
 */
export const builtInHeadBuilders: Readonly<Record<string, HeadBuilder>> = {
  cls: (json, weights) => ClsHead.fromJSON(json as unknown as ClsHeadJson, weights),
  label_attention: (json, weights) => LabelAttention.fromJSON(json as unknown as LabelAttentionJson, weights),
  knowledge_label_attention: (json, tensors) =>
    KnowledgeInjectedLabelAttention.fromJSON(json as unknown as KnowledgeInjectedLabelAttentionJson, tensors),
};
