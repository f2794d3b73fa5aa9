import type { TensorData } from '@icd/core';
import { UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { PromptMaskedLM } from '../model/prompt-for-classification.js';
import type { PromptBatch, Template } from '../templates/template.js';
import type { MaskOutputs } from '../verbalizers/mask-outputs.js';
import type { Verbalizer } from '../verbalizers/verbalizer.js';

/**
 * Settings of the ONNX engine of a loaded prompt model (`loadPromptModel(dir, { engine: 'onnx', onnx })`).
 *
 * @example
 * ```ts
 * const onnx: PromptOnnxOptions = { intraOpNumThreads: 2, quantization: 'int8', cacheDir: '/var/cache/icd' };
 * ```
 */
export interface PromptOnnxOptions {
  /** Threads of one operator (default: onnxruntime's, one per core). */
  readonly intraOpNumThreads?: number;
  /** Where the first-use export goes (default `plm/onnx/`, or `~/.cache/icd/onnx/` when not writable). */
  readonly cacheDir?: string;
  /** `'int8'`: export with dynamic int8 linear layers (check its accuracy cost on your dev set first). */
  readonly quantization?: 'none' | 'int8';
  /** An ONNX file in `plm/` to use as it is instead (e.g. `model_quantized.onnx`). */
  readonly fileName?: string;
}

/** What the engine reads from `@icd/onnx`'s `OnnxMaskedLM` (typed here: `@icd/onnx` is an optional peer). */
interface OnnxMaskedLike {
  readonly takesEmbeddings: boolean;
  readonly takesPositions: boolean;
  predictAt(
    input: unknown,
    positions: number[][],
  ): Promise<{ logits: TensorData; transformedHiddenState: TensorData; hiddenState?: TensorData }>;
  predictMasked(input: unknown, options: { positions: number[] }): Promise<{ logits: TensorData }>;
  dispose(): void;
}

interface OnnxModules {
  readonly main: {
    exportOnnx(model: unknown, options: Record<string, unknown>): Promise<Uint8Array>;
    OnnxMaskedLM: { load(bytes: Uint8Array, options: Record<string, unknown>): Promise<OnnxMaskedLike> };
  };
  readonly node: {
    ensureOnnxFile(directory: string, task: 'maskedLM', options: Record<string, unknown>): Promise<string>;
    loadOnnxMaskedLM(file: string, options: Record<string, unknown>): Promise<OnnxMaskedLike>;
  };
}

const installHint = 'npm i @icd/onnx onnxruntime-node';

async function importOnnx(): Promise<OnnxModules> {
  // Specifiers in variables: bundlers and type checkers must not require the optional peer.
  const mainId = '@icd/onnx';
  const nodeId = '@icd/onnx/node';
  try {
    const [main, node] = await Promise.all([import(mainId), import(nodeId)]);
    return { main, node } as unknown as OnnxModules;
  } catch (cause) {
    throw new UnsupportedError({
      feature: 'onnx-engine',
      message: `engine: 'onnx' needs @icd/onnx and ONNX Runtime, which are optional peers of @icd/prompt: ${installHint} (${String(cause)})`,
      cause,
    });
  }
}

/** Rows of a `[rows, k, width]` or `[rows, width]` output as a `[rows, width]` tensor (first position). */
function firstPosition(output: TensorData, rows: number): tf.Tensor2D {
  const width = output.shape[output.shape.length - 1] as number;
  const perRow = output.data.length / rows;
  const data = new Float32Array(rows * width);
  for (let row = 0; row < rows; row += 1)
    data.set((output.data as Float32Array).subarray(row * perRow, row * perRow + width), row * width);
  return tf.tensor2d(data, [rows, width]);
}

/**
 * A prompt model's masked LM on ONNX Runtime: the template's inputs (token ids, or `inputs_embeds` with
 * soft tokens) go through the ONNX session, and the verbalizer gets the `[MASK]` outputs (logits, head
 * transform, hidden state) as tfjs tensors, as in the tfjs forward pass.
 */
export class OnnxPromptEngine {
  constructor(private readonly model: OnnxMaskedLike) {}

  /** The ONNX outputs at each note's (first) mask: `logits` `[batch, vocab]` and, when the graph has them, the rest. */
  async maskOutputs(
    template: Template,
    plm: PromptMaskedLM,
    batch: PromptBatch,
  ): Promise<{ logits: TensorData; transformed?: TensorData; hidden?: TensorData; rows: number }> {
    const inputs = template.forward(batch, plm.getInputEmbeddings() as tf.Tensor2D);
    try {
      const [rows, length] = inputs.attentionMask.shape as [number, number];
      const attentionMask = {
        data: Int32Array.from(await inputs.attentionMask.data()),
        shape: [rows, length],
      };
      let feed: unknown;
      if (this.model.takesEmbeddings) {
        const embeds =
          inputs.inputsEmbeds ??
          tf.tidy(() => tf.gather(plm.getInputEmbeddings(), inputs.inputIds as tf.Tensor2D) as tf.Tensor3D);
        feed = {
          inputsEmbeds: { data: (await embeds.data()) as Float32Array, shape: embeds.shape },
          attentionMask,
        };
        if (embeds !== inputs.inputsEmbeds) embeds.dispose();
      } else {
        if (inputs.inputsEmbeds || !inputs.inputIds)
          throw new UnsupportedError({
            feature: 'onnx-inputs-embeds',
            message:
              "This template has soft tokens, fed as inputs_embeds, but the PLM's ONNX file takes input_ids only: remove it (plm/model.onnx) so the engine exports one with inputs_embeds, or use a manual template",
          });
        feed = {
          inputIds: { data: Int32Array.from(await inputs.inputIds.data()), shape: [rows, length] },
          attentionMask,
        };
      }
      const columns = Array.from(await inputs.maskPositions.data()).filter(
        (_, index) => index % (inputs.maskPositions.shape[1] as number) === 0,
      );
      if (this.model.takesPositions) {
        const out = await this.model.predictAt(
          feed,
          columns.map((column) => [column]),
        );
        return {
          logits: out.logits,
          transformed: out.transformedHiddenState,
          ...(out.hiddenState ? { hidden: out.hiddenState } : {}),
          rows,
        };
      }
      const flat = columns.map((column, row) => row * length + column);
      const { logits } = await this.model.predictMasked(feed, { positions: flat });
      return { logits, rows };
    } finally {
      tf.dispose(Object.values(inputs) as tf.Tensor[]);
    }
  }

  /** Class logits `[batch, classes]` of a wrapped batch: the verbalizer on the ONNX mask outputs. */
  async classLogits(
    template: Template,
    plm: PromptMaskedLM,
    verbalizer: Verbalizer,
    batch: PromptBatch,
  ): Promise<tf.Tensor2D> {
    const out = await this.maskOutputs(template, plm, batch);
    return tf.tidy(() => {
      const logits = firstPosition(out.logits, out.rows);
      const transformed = out.transformed ? firstPosition(out.transformed, out.rows) : undefined;
      const hidden = out.hidden ? firstPosition(out.hidden, out.rows) : undefined;
      const missing = (what: string): never => {
        throw new UnsupportedError({
          feature: 'onnx-mask-outputs',
          message: `This verbalizer reads the ${what} at the mask, which the PLM's ONNX file does not output (it has logits only, e.g. an HF optimum fill-mask export): remove plm/model.onnx so the engine exports the full head, or use a manual verbalizer`,
        });
      };
      const outputs: MaskOutputs = {
        get hiddenState(): tf.Tensor2D {
          return hidden ?? missing('hidden state');
        },
        transformed: () => transformed ?? missing('head transform'),
        logits: () => logits,
        training: false,
      };
      return verbalizer.processOutputs(outputs);
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Opens the ONNX engine of a prompt model loaded from `plmDirectory`: its `model.onnx` when present,
 * else an export of `plm` (`inputs_embeds` + `masked_positions`) cached beside it. A PLM passed in by
 * the caller (`options.plm`) is exported in memory (it may differ from the folder's).
 */
export async function loadOnnxPromptEngine(
  plmDirectory: string,
  model: { readonly plm: PromptMaskedLM },
  plmGiven: boolean,
  options: PromptOnnxOptions,
): Promise<OnnxPromptEngine> {
  const { main, node } = await importOnnx();
  const exportOptions = {
    inputsEmbeds: true,
    maskedPositions: true,
    ...(options.quantization ? { quantization: options.quantization } : {}),
  };
  const loadOptions = {
    ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
  };
  if (plmGiven) {
    const bytes = await main.exportOnnx(model.plm, { task: 'maskedLM', ...exportOptions });
    return new OnnxPromptEngine(await main.OnnxMaskedLM.load(bytes, loadOptions));
  }
  const file = await node.ensureOnnxFile(plmDirectory, 'maskedLM', {
    export: exportOptions,
    model: async () => model.plm,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
  });
  return new OnnxPromptEngine(await node.loadOnnxMaskedLM(file, loadOptions));
}
