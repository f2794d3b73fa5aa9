import type { BertConfig } from '../config/bert-config.js';

/**
 * How a parameter is initialised and stored: `linear` weights are kept `[in, out]` here and `[out, in]`
 * in PyTorch files (transposed on load and save); the others have the same layout in both.
 *
 * @example
 * ```ts
 * const kinds: ParameterKind[] = encoderParameterSpecs(new BertConfig(), true).map((spec) => spec.kind);
 * kinds[0]; // 'embedding'
 * ```
 */
export type ParameterKind = 'linear' | 'embedding' | 'normWeight' | 'normBias' | 'bias';

/**
 * One parameter of a BERT model under its HuggingFace name.
 *
 * @example
 * ```ts
 * const [words]: ParameterSpec[] = encoderParameterSpecs(new BertConfig(), true);
 * words; // { name: 'embeddings.word_embeddings.weight', fileShape: [30522, 768], kind: 'embedding' }
 * ```
 */
export interface ParameterSpec {
  /** HuggingFace name, e.g. `encoder.layer.0.attention.self.query.weight`. */
  readonly name: string;
  /** Shape in the PyTorch / safetensors file. */
  readonly fileShape: readonly number[];
  readonly kind: ParameterKind;
}

function linearSpecs(prefix: string, inputs: number, outputs: number): ParameterSpec[] {
  return [
    { name: `${prefix}.weight`, fileShape: [outputs, inputs], kind: 'linear' },
    { name: `${prefix}.bias`, fileShape: [outputs], kind: 'bias' },
  ];
}

function normSpecs(prefix: string, width: number): ParameterSpec[] {
  return [
    { name: `${prefix}.weight`, fileShape: [width], kind: 'normWeight' },
    { name: `${prefix}.bias`, fileShape: [width], kind: 'normBias' },
  ];
}

/**
 * The parameters of HF `BertModel` (names without the `bert.` prefix), in HF's module order.
 *
 * @example
 * ```ts
 * encoderParameterSpecs(new BertConfig(), true).length; // 5 + 12 × 16 + 2 = 199
 * ```
 */
export function encoderParameterSpecs(config: BertConfig, addPoolingLayer: boolean): ParameterSpec[] {
  const { hiddenSize: hidden, intermediateSize: intermediate } = config;
  const specs: ParameterSpec[] = [
    { name: 'embeddings.word_embeddings.weight', fileShape: [config.vocabSize, hidden], kind: 'embedding' },
    {
      name: 'embeddings.position_embeddings.weight',
      fileShape: [config.maxPositionEmbeddings, hidden],
      kind: 'embedding',
    },
    {
      name: 'embeddings.token_type_embeddings.weight',
      fileShape: [config.typeVocabSize, hidden],
      kind: 'embedding',
    },
    ...normSpecs('embeddings.LayerNorm', hidden),
  ];
  for (let layer = 0; layer < config.numHiddenLayers; layer++) {
    const prefix = `encoder.layer.${layer}`;
    specs.push(
      ...linearSpecs(`${prefix}.attention.self.query`, hidden, hidden),
      ...linearSpecs(`${prefix}.attention.self.key`, hidden, hidden),
      ...linearSpecs(`${prefix}.attention.self.value`, hidden, hidden),
      ...linearSpecs(`${prefix}.attention.output.dense`, hidden, hidden),
      ...normSpecs(`${prefix}.attention.output.LayerNorm`, hidden),
      ...linearSpecs(`${prefix}.intermediate.dense`, hidden, intermediate),
      ...linearSpecs(`${prefix}.output.dense`, intermediate, hidden),
      ...normSpecs(`${prefix}.output.LayerNorm`, hidden),
    );
  }
  if (addPoolingLayer) specs.push(...linearSpecs('pooler.dense', hidden, hidden));
  return specs;
}

/**
 * The parameters of the HF `BertForMaskedLM` head (`cls.predictions.*`). The decoder weight is tied to
 * `bert.embeddings.word_embeddings.weight` and has no parameter of its own, unless the config unties it
 * (`tie_word_embeddings: false`): then it is `cls.predictions.decoder.weight`, `[vocab, hidden]` in file
 * and memory alike. The bias is `cls.predictions.bias` (HF also exposes it as
 * `cls.predictions.decoder.bias`).
 *
 * @example
 * ```ts
 * maskedLMHeadParameterSpecs(new BertConfig()).map((spec) => spec.name).at(-1); // 'cls.predictions.bias'
 * ```
 */
export function maskedLMHeadParameterSpecs(config: BertConfig): ParameterSpec[] {
  const hidden = config.hiddenSize;
  return [
    ...linearSpecs('cls.predictions.transform.dense', hidden, hidden),
    ...normSpecs('cls.predictions.transform.LayerNorm', hidden),
    ...(config.tieWordEmbeddings
      ? []
      : [
          {
            name: 'cls.predictions.decoder.weight',
            fileShape: [config.vocabSize, hidden],
            kind: 'embedding',
          } as const,
        ]),
    { name: 'cls.predictions.bias', fileShape: [config.vocabSize], kind: 'bias' },
  ];
}

/**
 * The number of values of HF `BertModel` with this config, computed without building the parameter list
 * (which for `numHiddenLayers: 1e7` alone would not fit in memory).
 *
 * @example
 * ```ts
 * encoderParameterCount(new BertConfig(), true); // 109482240 (bert-base)
 * ```
 */
export function encoderParameterCount(config: BertConfig, addPoolingLayer: boolean): number {
  const { hiddenSize: h, intermediateSize: i } = config;
  const embeddings = (config.vocabSize + config.maxPositionEmbeddings + config.typeVocabSize) * h + 2 * h;
  const layer = 4 * (h * h + h) + 4 * h + (h * i + i) + (i * h + h);
  return embeddings + config.numHiddenLayers * layer + (addPoolingLayer ? h * h + h : 0);
}
