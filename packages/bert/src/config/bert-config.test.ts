import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { BertConfig } from './bert-config.js';

// HF transformers BertConfig() defaults (configuration_bert.py).
const hfDefaults = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
};

// bert-base-uncased's config.json as published on the HF hub.
const bertBaseUncased = {
  architectures: ['BertForMaskedLM'],
  attention_probs_dropout_prob: 0.1,
  gradient_checkpointing: false,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 768,
  initializer_range: 0.02,
  intermediate_size: 3072,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  model_type: 'bert',
  num_attention_heads: 12,
  num_hidden_layers: 12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  transformers_version: '4.6.0.dev0',
  type_vocab_size: 2,
  use_cache: true,
  vocab_size: 30522,
};

describe('BertConfig', () => {
  it('has HF defaults', () => {
    expect(new BertConfig().toJSON()).toMatchObject({ ...hfDefaults, model_type: 'bert' });
    expect(new BertConfig().headSize).toBe(64);
  });

  it('reads a real config.json and writes it back with unknown keys kept', () => {
    const config = BertConfig.fromJSON(bertBaseUncased);
    expect(config.hiddenSize).toBe(768);
    expect(config.extra).toEqual({
      architectures: ['BertForMaskedLM'],
      gradient_checkpointing: false,
      transformers_version: '4.6.0.dev0',
      use_cache: true,
    });
    expect(config.toJSON()).toEqual(bertBaseUncased);
  });

  it('round-trips camelCase options', () => {
    const config = new BertConfig({
      vocabSize: 99,
      hiddenSize: 32,
      numHiddenLayers: 2,
      numAttentionHeads: 4,
      hiddenAct: 'gelu_new',
    });
    expect(BertConfig.fromJSON(config.toJSON()).toOptions()).toEqual(config.toOptions());
  });

  it('rejects bad values with house-style messages', () => {
    expect(() => new BertConfig({ hiddenSize: 30, numAttentionHeads: 4 })).toThrow(
      "Argument 'numAttentionHeads' passed to 'BertConfig' must be a divisor of hiddenSize (30), got 4",
    );
    expect(() => new BertConfig({ hiddenAct: 'mish' as never })).toThrow(InvalidArgumentError);
    expect(() => new BertConfig({ hiddenDropoutProb: 1 })).toThrow(/hiddenDropoutProb/);
    expect(() => new BertConfig({ vocabSize: 0 })).toThrow('must be an integer >= 1, got 0');
    expect(() => BertConfig.fromJSON({ hidden_size: '768' })).toThrow(
      "Argument 'hidden_size' passed to 'BertConfig.fromJSON' must be a number, got \"768\"",
    );
    expect(() => BertConfig.fromJSON({ model_type: 'roberta' })).toThrow(/model_type/);
    expect(() => BertConfig.fromJSON({ position_embedding_type: 'relative_key' })).toThrow(/absolute/);
    expect(() => BertConfig.fromJSON([])).toThrow(/config.json object/);
  });

  it('keeps fromJson/toJson as deprecated aliases and JSON.stringify writes config.json', () => {
    const config = BertConfig.fromJson(bertBaseUncased);
    expect(config.toJson()).toEqual(config.toJSON());
    expect(JSON.parse(JSON.stringify(config))).toEqual(bertBaseUncased);
  });

  it('reads tie_word_embeddings (HF default true) and rejects a non-boolean', () => {
    expect(new BertConfig().tieWordEmbeddings).toBe(true);
    const untied = BertConfig.fromJSON({ ...bertBaseUncased, tie_word_embeddings: false });
    expect(untied.tieWordEmbeddings).toBe(false);
    expect(untied.toJSON().tie_word_embeddings).toBe(false);
    expect(() => BertConfig.fromJSON({ tie_word_embeddings: 'no' })).toThrow(
      "Argument 'tie_word_embeddings' passed to 'BertConfig' must be a boolean, got \"no\"",
    );
  });
});
