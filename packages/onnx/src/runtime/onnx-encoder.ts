import type { Encoder, EncoderInput, EncoderOutput, EncoderOutputOptions, TensorData } from '@icd/core';
import type { EmbeddingsInput } from './feeds.js';
import { type OnnxLoadOptions, type OnnxModelSource, OnnxSessionModel } from './onnx-session-model.js';

/**
 * A BERT encoder on ONNX Runtime implementing `@icd/core`'s `Encoder`: the same `encode` as the tfjs
 * `BertModel` (`{ lastHiddenState, poolerOutput? }` as {@link TensorData}), over a file written by
 * {@link exportOnnx} or by HF optimum (`optimum-cli export onnx --task feature-extraction`, same input
 * and output names; pass its `config.json` as `options.config`). Runs on `onnxruntime-node` in Node and
 * `onnxruntime-web` (WASM / WebGPU) in browsers, loaded lazily: both are optional peer dependencies.
 *
 * @example
 * ```ts
 * const encoder = await OnnxEncoder.load(await exportOnnx(model), { intraOpNumThreads: 2 });
 * const { lastHiddenState } = await encoder.encode({ inputIds: [[2, 5, 3, 0]], attentionMask: [[1, 1, 1, 0]] });
 * lastHiddenState.shape; // [1, 4, hiddenSize]
 * encoder.dispose();
 * ```
 */
export class OnnxEncoder extends OnnxSessionModel implements Encoder {
  /** Loads ONNX bytes, a file (Node) or a URL (fetched) into an onnxruntime session. */
  static async load(source: OnnxModelSource, options: OnnxLoadOptions = {}): Promise<OnnxEncoder> {
    const { runtime, session, config } = await OnnxSessionModel.createSession(
      'OnnxEncoder.load',
      source,
      options,
    );
    return new OnnxEncoder(runtime, session, config);
  }

  /**
   * Encodes a padded batch of token ids, or of embeddings for a model exported with `inputsEmbeds`.
   * `outputHiddenStates` / `outputAttentions` are not available on ONNX models (UnsupportedError).
   */
  async encode(
    input: EncoderInput | EmbeddingsInput,
    options: EncoderOutputOptions = {},
  ): Promise<EncoderOutput<TensorData>> {
    const fetches = [
      'last_hidden_state',
      ...(this.outputNames.includes('pooler_output') ? ['pooler_output'] : []),
    ];
    const output = await this.runSession('OnnxEncoder.encode', input, fetches, {}, options);
    return {
      lastHiddenState: output.last_hidden_state as TensorData,
      ...(output.pooler_output ? { poolerOutput: output.pooler_output } : {}),
    };
  }
}
