import { assertFiniteNumber, assertInteger, assertOneOf, invalidArgument } from '@icd/core';

/**
 * Activation functions a BERT feed-forward block and MLM transform may use (HF `ACT2FN` names).
 *
 * @example
 * ```ts
 * bertActivations.includes('gelu_new'); // true
 * new BertConfig({ hiddenAct: 'gelu_new' });
 * ```
 */
export const bertActivations = [
  'gelu',
  'gelu_new',
  'gelu_python',
  'gelu_pytorch_tanh',
  'gelu_fast',
  'relu',
  'silu',
  'swish',
  'tanh',
] as const;

/**
 * One of {@link bertActivations}.
 *
 * @example
 * ```ts
 * const activation: BertActivation = 'gelu_new';
 * new BertConfig({ hiddenAct: activation });
 * ```
 */
export type BertActivation = (typeof bertActivations)[number];

/**
 * The fields of a {@link BertConfig}, in camelCase; every one is optional with HF's default.
 *
 * @example
 * ```ts
 * const mini: BertConfigOptions = { hiddenSize: 256, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 1024 };
 * const config = new BertConfig(mini);
 * ```
 */
export interface BertConfigOptions {
  /** Number of token ids (default 30522). */
  readonly vocabSize?: number;
  /** Width of every hidden state (default 768). */
  readonly hiddenSize?: number;
  /** Number of encoder layers (default 12). */
  readonly numHiddenLayers?: number;
  /** Attention heads per layer; must divide `hiddenSize` (default 12). */
  readonly numAttentionHeads?: number;
  /** Width of the feed-forward block (default 3072). */
  readonly intermediateSize?: number;
  /** Feed-forward and MLM-transform activation (default `'gelu'`, the exact erf form). */
  readonly hiddenAct?: BertActivation;
  /** Dropout after embeddings, attention output and feed-forward output (default 0.1). */
  readonly hiddenDropoutProb?: number;
  /** Dropout on attention probabilities (default 0.1). */
  readonly attentionProbsDropoutProb?: number;
  /** Longest sequence, specials included (default 512). */
  readonly maxPositionEmbeddings?: number;
  /** Number of segment ids (default 2). */
  readonly typeVocabSize?: number;
  /** Standard deviation of the normal weight initialiser (default 0.02). */
  readonly initializerRange?: number;
  /** Epsilon added to the variance in every LayerNorm (default 1e-12). */
  readonly layerNormEps?: number;
  /** Id of the padding token; its embedding row starts at zero (default 0). */
  readonly padTokenId?: number;
}

const snakeNames: Record<keyof BertConfigOptions, string> = {
  vocabSize: 'vocab_size',
  hiddenSize: 'hidden_size',
  numHiddenLayers: 'num_hidden_layers',
  numAttentionHeads: 'num_attention_heads',
  intermediateSize: 'intermediate_size',
  hiddenAct: 'hidden_act',
  hiddenDropoutProb: 'hidden_dropout_prob',
  attentionProbsDropoutProb: 'attention_probs_dropout_prob',
  maxPositionEmbeddings: 'max_position_embeddings',
  typeVocabSize: 'type_vocab_size',
  initializerRange: 'initializer_range',
  layerNormEps: 'layer_norm_eps',
  padTokenId: 'pad_token_id',
};

/**
 * The hyper-parameters of a BERT encoder, as HuggingFace `transformers.BertConfig` (same fields, same
 * defaults), read from and written to its `config.json`. Unknown keys of a `config.json` (e.g.
 * `torch_dtype`, `transformers_version`) are kept in `extra` and written back unchanged.
 *
 * Only absolute position embeddings are supported; `position_embedding_type` other than `"absolute"`
 * is refused rather than silently mis-computed.
 *
 * @example
 * ```ts
 * const config = new BertConfig({ hiddenSize: 256, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 1024 });
 * config.headSize; // 64
 * const json = config.toJSON(); // { hidden_size: 256, ..., model_type: 'bert' }
 * BertConfig.fromJSON(json).hiddenSize; // 256
 * ```
 */
export class BertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: BertActivation;
  readonly hiddenDropoutProb: number;
  readonly attentionProbsDropoutProb: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly initializerRange: number;
  readonly layerNormEps: number;
  readonly padTokenId: number;
  /** Keys of the source `config.json` this class does not model, written back by {@link BertConfig.toJSON}. */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(options: BertConfigOptions = {}, extra: Record<string, unknown> = {}) {
    const fn = 'BertConfig';
    this.vocabSize = options.vocabSize ?? 30522;
    this.hiddenSize = options.hiddenSize ?? 768;
    this.numHiddenLayers = options.numHiddenLayers ?? 12;
    this.numAttentionHeads = options.numAttentionHeads ?? 12;
    this.intermediateSize = options.intermediateSize ?? 3072;
    this.hiddenAct = options.hiddenAct ?? 'gelu';
    this.hiddenDropoutProb = options.hiddenDropoutProb ?? 0.1;
    this.attentionProbsDropoutProb = options.attentionProbsDropoutProb ?? 0.1;
    this.maxPositionEmbeddings = options.maxPositionEmbeddings ?? 512;
    this.typeVocabSize = options.typeVocabSize ?? 2;
    this.initializerRange = options.initializerRange ?? 0.02;
    this.layerNormEps = options.layerNormEps ?? 1e-12;
    this.padTokenId = options.padTokenId ?? 0;
    this.extra = { ...extra };
    const tie = this.extra.tie_word_embeddings;
    if (tie !== undefined && typeof tie !== 'boolean')
      invalidArgument(fn, 'tie_word_embeddings', 'a boolean', tie);

    assertInteger(fn, 'vocabSize', this.vocabSize, { min: 1 });
    assertInteger(fn, 'hiddenSize', this.hiddenSize, { min: 1 });
    assertInteger(fn, 'numHiddenLayers', this.numHiddenLayers, { min: 0 });
    assertInteger(fn, 'numAttentionHeads', this.numAttentionHeads, { min: 1 });
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      invalidArgument(
        fn,
        'numAttentionHeads',
        `a divisor of hiddenSize (${this.hiddenSize})`,
        this.numAttentionHeads,
      );
    }
    assertInteger(fn, 'intermediateSize', this.intermediateSize, { min: 1 });
    assertOneOf(fn, 'hiddenAct', this.hiddenAct, bertActivations);
    assertFiniteNumber(fn, 'hiddenDropoutProb', this.hiddenDropoutProb, { min: 0, max: 0.999 });
    assertFiniteNumber(fn, 'attentionProbsDropoutProb', this.attentionProbsDropoutProb, {
      min: 0,
      max: 0.999,
    });
    assertInteger(fn, 'maxPositionEmbeddings', this.maxPositionEmbeddings, { min: 1 });
    assertInteger(fn, 'typeVocabSize', this.typeVocabSize, { min: 1 });
    assertFiniteNumber(fn, 'initializerRange', this.initializerRange, { min: 0 });
    assertFiniteNumber(fn, 'layerNormEps', this.layerNormEps, { min: 0 });
    assertInteger(fn, 'padTokenId', this.padTokenId, { min: 0, max: this.vocabSize - 1 });
  }

  /**
   * Whether the masked-LM decoder is the word-embedding matrix (HF `tie_word_embeddings`, default true;
   * kept in {@link extra} as the `config.json` key).
   */
  get tieWordEmbeddings(): boolean {
    return this.extra.tie_word_embeddings !== false;
  }

  /** Width of one attention head: `hiddenSize / numAttentionHeads`. */
  get headSize(): number {
    return this.hiddenSize / this.numAttentionHeads;
  }

  /**
   * Reads a parsed HuggingFace `config.json`. Missing fields take HF's defaults; a field of the wrong
   * type, a `model_type` other than `bert`, or a relative position-embedding type is an error.
   *
   * @example
   * ```ts
   * BertConfig.fromJSON({ hidden_size: 256, num_attention_heads: 4 }).headSize; // 64
   * ```
   */
  static fromJSON(json: unknown): BertConfig {
    const fn = 'BertConfig.fromJSON';
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      invalidArgument(fn, 'json', 'a config.json object', json);
    }
    const source = json as Record<string, unknown>;
    const modelType = source.model_type;
    if (modelType !== undefined && modelType !== 'bert') {
      invalidArgument(fn, 'model_type', `"bert" (or absent)`, modelType);
    }
    const positionType = source.position_embedding_type;
    if (positionType !== undefined && positionType !== 'absolute') {
      invalidArgument(fn, 'position_embedding_type', `"absolute"`, positionType);
    }
    const options: Record<string, unknown> = {};
    const known = new Set<string>(['model_type', 'position_embedding_type']);
    for (const [camel, snake] of Object.entries(snakeNames)) {
      known.add(snake);
      const value = source[snake];
      if (value === undefined || value === null) continue;
      const expected = camel === 'hiddenAct' ? 'string' : 'number';
      if (typeof value !== expected) invalidArgument(fn, snake, `a ${expected}`, value);
      options[camel] = value;
    }
    const extra: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) if (!known.has(key)) extra[key] = value;
    return new BertConfig(options as BertConfigOptions, extra);
  }

  /**
   * @deprecated Renamed {@link BertConfig.fromJSON} (the name every other `@icd` class uses).
   *
   * @example
   * ```ts
   * BertConfig.fromJson(json); // same as BertConfig.fromJSON(json)
   * ```
   */
  static fromJson(json: unknown): BertConfig {
    return BertConfig.fromJSON(json);
  }

  /**
   * The HuggingFace `config.json` object (snake_case keys, `model_type: "bert"`, extra keys kept);
   * `JSON.stringify(config)` writes it.
   *
   * @example
   * ```ts
   * new BertConfig({ hiddenSize: 256, numAttentionHeads: 4 }).toJSON().hidden_size; // 256
   * ```
   */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      architectures: ['BertForMaskedLM'],
      ...this.extra,
      model_type: 'bert',
      position_embedding_type: 'absolute',
    };
    for (const [camel, snake] of Object.entries(snakeNames)) {
      json[snake] = this[camel as keyof BertConfigOptions];
    }
    return json;
  }

  /**
   * @deprecated Renamed {@link BertConfig.toJSON}.
   *
   * @example
   * ```ts
   * config.toJson(); // same as config.toJSON()
   * ```
   */
  toJson(): Record<string, unknown> {
    return this.toJSON();
  }

  /** The camelCase options of this config, e.g. to derive a variant: `new BertConfig({ ...c.toOptions(), numHiddenLayers: 2 })`. */
  toOptions(): Required<BertConfigOptions> {
    const options: Record<string, unknown> = {};
    for (const camel of Object.keys(snakeNames)) options[camel] = this[camel as keyof BertConfigOptions];
    return options as unknown as Required<BertConfigOptions>;
  }
}
