import type { BertConfig } from '@icd/bert';
import type { EncoderInput, EncoderOutput, EncoderOutputOptions, TensorData } from '@icd/core';
import { invalidArgument, UnsupportedError } from '@icd/core';
import type { EmbeddingsInput } from './feeds.js';
import { readModelMetadata } from './model-metadata.js';
import type { OrtModule, OrtSession } from './onnx-runtime.js';
import { type OnnxLoadOptions, type OnnxModelSource, OnnxSessionModel } from './onnx-session-model.js';

/**
 * What {@link OnnxClassifier.classify} returns: the head's `logits` `[batch, numLabels]` (before sigmoid /
 * softmax) and, for a LabelAttention head, `labelAttention` `[batch, numLabels, sequence]`.
 *
 * @example
 * ```ts
 * const { logits, labelAttention }: OnnxClassifierOutput = await classifier.classify({ inputIds: [[2, 9, 3]] });
 * ```
 */
export interface OnnxClassifierOutput {
  readonly logits: TensorData;
  readonly labelAttention?: TensorData;
}

/**
 * An encoder with a label head in one ONNX file (`exportOnnx(bert, { head })` with `@icd/heads`'
 * `ClsHead` or `LabelAttention`): {@link classify} gives the head's logits straight from token ids,
 * `encode` the encoder's hidden states (it implements `@icd/core`'s `Encoder` too). The labels and the
 * head config come from the file's `icd.head` metadata.
 *
 * @example
 * ```ts
 * const classifier = await OnnxClassifier.load(await exportOnnx(bert, { head }));
 * classifier.labels; // ['I10', 'E11.9']
 * const { logits } = await classifier.classify({ inputIds: [[2, 9, 3]] }); // [1, 2]
 * ```
 */
export class OnnxClassifier extends OnnxSessionModel {
  /** The head's labels, in logit order. */
  readonly labels: readonly string[];
  /** The head's saved config (`headType: 'cls' | 'label_attention'`, sizes, pooling, ...). */
  readonly head: Readonly<Record<string, unknown>>;

  private constructor(
    runtime: OrtModule,
    session: OrtSession,
    config: BertConfig,
    head: Record<string, unknown> & { labels?: string[] },
  ) {
    super(runtime, session, config);
    this.head = Object.freeze(head);
    this.labels = Object.freeze([...(head.labels ?? [])]);
  }

  /** Loads ONNX bytes, a file (Node) or a URL written by `exportOnnx(model, { head })`. */
  static async load(source: OnnxModelSource, options: OnnxLoadOptions = {}): Promise<OnnxClassifier> {
    const fn = 'OnnxClassifier.load';
    const { runtime, session, config, bytes } = await OnnxSessionModel.createSession(fn, source, options);
    const stored = readModelMetadata(bytes)['icd.head'];
    if (stored === undefined || !session.outputNames.includes('logits')) {
      void session.release();
      invalidArgument(
        fn,
        'source',
        'an ONNX file exported with a label head (exportOnnx(model, { head }))',
        'a file without icd.head metadata',
      );
    }
    return new OnnxClassifier(runtime, session, config, JSON.parse(stored as string));
  }

  /** The head's outputs for a padded batch of token ids (or embeddings, for a model exported with `inputsEmbeds`). */
  async classify(input: EncoderInput | EmbeddingsInput): Promise<OnnxClassifierOutput> {
    const fetches = ['logits', ...(this.outputNames.includes('label_attention') ? ['label_attention'] : [])];
    const output = await this.runSession('OnnxClassifier.classify', input, fetches);
    return {
      logits: output.logits as TensorData,
      ...(output.label_attention ? { labelAttention: output.label_attention } : {}),
    };
  }

  /** The encoder's outputs (`last_hidden_state`, `pooler_output` when the graph has it). */
  async encode(
    input: EncoderInput | EmbeddingsInput,
    options: EncoderOutputOptions = {},
  ): Promise<EncoderOutput<TensorData>> {
    if (!this.outputNames.includes('last_hidden_state')) {
      throw new UnsupportedError({
        feature: 'onnx-output-last_hidden_state',
        message: 'OnnxClassifier.encode: this file has no last_hidden_state output',
      });
    }
    const fetches = [
      'last_hidden_state',
      ...(this.outputNames.includes('pooler_output') ? ['pooler_output'] : []),
    ];
    const output = await this.runSession('OnnxClassifier.encode', input, fetches, {}, options);
    return {
      lastHiddenState: output.last_hidden_state as TensorData,
      ...(output.pooler_output ? { poolerOutput: output.pooler_output } : {}),
    };
  }
}
