/**
 * The JSON schema of an `icd` config file (JSON or YAML): every command reads the part it needs.
 * Validated with ajv; errors name the field and the file.
 */
const rate = { type: 'number', exclusiveMinimum: 0, maximum: 10 } as const;
const range = (item: object) => ({ type: 'array', items: item, minItems: 1 }) as const;

export const CONFIG_SCHEMA = {
  $id: 'https://icd.invalid/schemas/icd-config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    seed: { type: 'integer', minimum: 0 },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['source'],
      properties: {
        source: { enum: ['synthetic', 'codiesp', 'jsonl'] },
        size: { type: 'integer', minimum: 20 },
        labelNoise: { type: 'number', minimum: 0, maximum: 1 },
        dir: { type: 'string', minLength: 1 },
        language: { enum: ['en', 'es'] },
        topCodes: { type: 'integer', minimum: 1 },
        train: { type: 'string', minLength: 1 },
        validation: { type: 'string', minLength: 1 },
        test: { type: 'string', minLength: 1 },
        validationShare: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      },
    },
    codeSet: {
      type: 'object',
      additionalProperties: false,
      required: ['source'],
      properties: {
        source: { enum: ['mdr-bert', 'icd10cm', 'list'] },
        dir: { type: 'string', minLength: 1 },
        file: { type: 'string', minLength: 1 },
        billableOnly: { type: 'boolean' },
      },
    },
    pretrain: {
      type: 'object',
      additionalProperties: false,
      properties: {
        out: { type: 'string', minLength: 1 },
        vocabSize: { type: 'integer', minimum: 100 },
        hiddenSize: { type: 'integer', minimum: 8 },
        layers: { type: 'integer', minimum: 1, maximum: 24 },
        heads: { type: 'integer', minimum: 1 },
        maxLength: { type: 'integer', minimum: 16, maximum: 512 },
        steps: { type: 'integer', minimum: 1 },
        batchSize: { type: 'integer', minimum: 1 },
        learningRate: rate,
      },
    },
    model: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kind: { enum: ['prompt', 'lexical', 'dictionary', 'ensemble'] },
        name: { type: 'string', minLength: 1 },
        plm: { type: 'string', minLength: 1 },
        template: { enum: ['manual', 'soft', 'mixed'] },
        templateText: { type: 'string', minLength: 1 },
        verbalizer: { enum: ['manual', 'soft'] },
        maxLength: { type: 'integer', minimum: 16, maximum: 512 },
        freezePlm: { type: 'boolean' },
        dropout: { type: 'number', minimum: 0, maximum: 0.9 },
        c: { type: 'number', exclusiveMinimum: 0 },
        minDf: { type: 'integer', minimum: 1 },
        dictionary: { enum: ['labels', 'codeSet'] },
        members: {
          type: 'array',
          items: { enum: ['prompt', 'lexical', 'dictionary'] },
          minItems: 2,
          maxItems: 2,
        },
      },
    },
    train: {
      type: 'object',
      additionalProperties: false,
      properties: {
        epochs: { type: 'integer', minimum: 1 },
        batchSize: { type: 'integer', minimum: 1 },
        accumulationSteps: { type: 'integer', minimum: 1 },
        warmupRatio: { type: 'number', minimum: 0, maximum: 1 },
        optimizer: { enum: ['adamw', 'adafactor'] },
        learningRates: {
          type: 'object',
          additionalProperties: false,
          properties: { plm: rate, template: rate, verbalizer: rate },
        },
        patience: { type: 'integer', minimum: 1 },
        maxTrainNotes: { type: 'integer', minimum: 1 },
      },
    },
    out: { type: 'string', minLength: 1 },
    search: {
      type: 'object',
      additionalProperties: false,
      properties: {
        trials: { type: 'integer', minimum: 1 },
        objective: { enum: ['accuracy', 'macroAuc', 'microF1', 'map'] },
        log: { type: 'string', minLength: 1 },
        space: {
          type: 'object',
          additionalProperties: false,
          properties: {
            plmLearningRate: { type: 'array', items: rate, minItems: 2, maxItems: 2 },
            templateLearningRate: { type: 'array', items: rate, minItems: 2, maxItems: 2 },
            verbalizerLearningRate: { type: 'array', items: rate, minItems: 2, maxItems: 2 },
            batchSize: range({ type: 'integer', minimum: 1 }),
            accumulationSteps: range({ type: 'integer', minimum: 1 }),
            dropout: {
              type: 'array',
              items: { type: 'number', minimum: 0, maximum: 0.9 },
              minItems: 2,
              maxItems: 2,
            },
            optimizer: range({ enum: ['adamw', 'adafactor'] }),
            epochs: range({ type: 'integer', minimum: 1 }),
          },
        },
      },
    },
  },
} as const;
