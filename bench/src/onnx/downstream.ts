// The int8 export's cost on a downstream task: a softmax-regression classifier of the synthetic
// cardiology corpus (@icd/data) trained on mean-pooled fp32 ONNX features of a BERT-mini with a
// vocabulary trained on the corpus, then applied to the same notes' fp32 and int8 features; and, on the
// pretrained CodiEsp checkpoint when it is there, the same classifier plus masked-token prediction on
// held-out CodiEsp text, both through loadMaskedLM(dir, { engine: 'onnx' }).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertConfig, BertModel } from '@icd/bert';
import type { Encoder, TokenizerLike } from '@icd/core';
import { generateCardiologyCorpus } from '@icd/data';
import { loadCodiesp } from '@icd/data/node';
import { exportOnnx, OnnxEncoder, type OnnxMaskedLM } from '@icd/onnx';
import { loadMaskedLM } from '@icd/onnx/node';
import { Tokenizer, WordPieceTrainer } from '@icd/tokenizer';

export interface DownstreamCost {
  readonly trainNotes: number;
  readonly testNotes: number;
  readonly classes: number;
  readonly accuracyFp32: number;
  readonly accuracyInt8: number;
  readonly agreement: number;
}

/** Mean of `last_hidden_state` over the real tokens of each note: `[notes][hidden]`. */
async function features(
  encoder: Encoder,
  batches: { ids: number[][]; mask: number[][] }[],
): Promise<Float64Array[]> {
  const result: Float64Array[] = [];
  for (const { ids, mask } of batches) {
    const { lastHiddenState } = await encoder.encode({ inputIds: ids, attentionMask: mask });
    const [batch, length, hidden] = lastHiddenState.shape as [number, number, number];
    for (let row = 0; row < batch; row++) {
      const pooled = new Float64Array(hidden);
      let count = 0;
      for (let position = 0; position < length; position++) {
        if (mask[row]?.[position] !== 1) continue;
        count++;
        const offset = (row * length + position) * hidden;
        for (let unit = 0; unit < hidden; unit++)
          pooled[unit] = (pooled[unit] as number) + (lastHiddenState.data[offset + unit] as number);
      }
      result.push(pooled.map((value) => value / count));
    }
  }
  return result;
}

/** Full-batch gradient descent on the softmax cross-entropy, standardised inputs; returns a predictor. */
function trainClassifier(inputs: Float64Array[], labels: number[], classes: number) {
  const width = inputs[0]?.length ?? 0;
  const mean = new Float64Array(width);
  const deviation = new Float64Array(width);
  for (const x of inputs)
    for (let j = 0; j < width; j++) mean[j] = (mean[j] as number) + (x[j] as number) / inputs.length;
  for (const x of inputs)
    for (let j = 0; j < width; j++)
      deviation[j] = (deviation[j] as number) + ((x[j] as number) - (mean[j] as number)) ** 2 / inputs.length;
  const scale = (x: Float64Array) =>
    x.map((value, j) => (value - (mean[j] as number)) / Math.sqrt((deviation[j] as number) + 1e-9));
  const standardised = inputs.map(scale);
  const weights = Array.from({ length: classes }, () => new Float64Array(width + 1));
  const scores = (x: Float64Array) =>
    weights.map((w) => x.reduce((sum, value, j) => sum + value * (w[j] as number), w[width] as number));
  for (let step = 0; step < 300; step++) {
    const gradients = Array.from({ length: classes }, () => new Float64Array(width + 1));
    standardised.forEach((x, index) => {
      const logits = scores(x);
      const top = Math.max(...logits);
      const exps = logits.map((value) => Math.exp(value - top));
      const total = exps.reduce((a, b) => a + b, 0);
      exps.forEach((value, k) => {
        const error = value / total - (k === labels[index] ? 1 : 0);
        const gradient = gradients[k] as Float64Array;
        for (let j = 0; j < width; j++)
          gradient[j] = (gradient[j] as number) + (error * (x[j] as number)) / standardised.length;
        gradient[width] = (gradient[width] as number) + error / standardised.length;
      });
    });
    weights.forEach((w, k) => {
      for (let j = 0; j <= width; j++)
        w[j] =
          (w[j] as number) -
          (0.5 * ((gradients[k] as Float64Array)[j] as number) + 1e-4 * (j < width ? (w[j] as number) : 0));
    });
  }
  return (x: Float64Array) => {
    const logits = scores(scale(x));
    return logits.indexOf(Math.max(...logits));
  };
}

const cardiology = () => generateCardiologyCorpus({ size: 600, seed: 15, words: [40, 200] });

/** Classifier on fp32 features of the first 400 notes, applied to the other 200 with fp32 and int8 features. */
async function classifierCost(
  tokenizer: TokenizerLike,
  fp32: Encoder,
  int8: Encoder,
): Promise<DownstreamCost> {
  const notes = cardiology();
  const classNames = [...new Set(notes.map((note) => note.codes[0] as string))].sort();
  const labels = notes.map((note) => classNames.indexOf(note.codes[0] as string));
  const batches: { ids: number[][]; mask: number[][] }[] = [];
  for (let start = 0; start < notes.length; start += 8) {
    const encodings = tokenizer.encodeBatch(
      notes.slice(start, start + 8).map((note) => note.text),
      { maxLength: 128, truncation: true, padding: 'longest' },
    );
    batches.push({ ids: encodings.map((e) => [...e.ids]), mask: encodings.map((e) => [...e.attentionMask]) });
  }
  const [fromFp32, fromInt8] = [await features(fp32, batches), await features(int8, batches)];
  const predict = trainClassifier(fromFp32.slice(0, 400), labels.slice(0, 400), classNames.length);
  let correctFp32 = 0;
  let correctInt8 = 0;
  let agree = 0;
  for (let index = 400; index < notes.length; index++) {
    const [a, b] = [predict(fromFp32[index] as Float64Array), predict(fromInt8[index] as Float64Array)];
    correctFp32 += a === labels[index] ? 1 : 0;
    correctInt8 += b === labels[index] ? 1 : 0;
    agree += a === b ? 1 : 0;
  }
  const test = notes.length - 400;
  return {
    trainNotes: 400,
    testNotes: test,
    classes: classNames.length,
    accuracyFp32: correctFp32 / test,
    accuracyInt8: correctInt8 / test,
    agreement: agree / test,
  };
}

/** Runs the comparison (a few seconds on BERT-mini; `threads` intra-op threads for ONNX Runtime). */
export async function int8DownstreamCost(threads: number): Promise<DownstreamCost> {
  const notes = cardiology();
  const vocabulary = await new WordPieceTrainer({ vocabSize: 3000 }).train(
    notes.slice(0, 400).map((note) => note.text),
  );
  const tokenizer = vocabulary.toTokenizer();
  const model = new BertModel(
    new BertConfig({
      vocabSize: tokenizer.vocabSize,
      numHiddenLayers: 4,
      hiddenSize: 256,
      numAttentionHeads: 4,
      intermediateSize: 1024,
    }),
    { seed: 1 },
  );
  const [fp32, int8] = await Promise.all([
    OnnxEncoder.load(await exportOnnx(model), { intraOpNumThreads: threads }),
    OnnxEncoder.load(await exportOnnx(model, { quantization: 'int8' }), { intraOpNumThreads: threads }),
  ]);
  model.dispose();
  try {
    return await classifierCost(tokenizer, fp32, int8);
  } finally {
    fp32.dispose();
    int8.dispose();
  }
}

/** int8's cost on the pretrained CodiEsp checkpoint (absent: undefined). */
export interface TrainedCheckpointCost {
  readonly checkpoint: string;
  readonly classifier: DownstreamCost;
  /** Masked-token prediction on held-out CodiEsp dev text (evaluation only, nothing is tuned on it). */
  readonly maskedLM: {
    readonly notes: number;
    readonly maskedTokens: number;
    readonly accuracyFp32: number;
    readonly accuracyInt8: number;
    readonly agreement: number;
  };
}

/** Top-1 of each `[n, vocab]` row. */
function argmaxRows(data: ArrayLike<number>, vocab: number): number[] {
  const result: number[] = [];
  for (let row = 0; row * vocab < data.length; row++) {
    let best = 0;
    for (let k = 1; k < vocab; k++)
      if ((data[row * vocab + k] as number) > (data[row * vocab + best] as number)) best = k;
    result.push(best);
  }
  return result;
}

/**
 * The pretrained tiny English CodiEsp BERT (checkpoints/, git-ignored; made by `pnpm --filter @icd/bench
 * pretrain-codiesp`), loaded with `loadMaskedLM(dir, { engine: 'onnx' })` as fp32 and as int8: the
 * classifier comparison above, and masked-token top-1 on the first 40 CodiEsp dev notes (held out from
 * its pretraining), every 7th real token of each 128-token window masked.
 */
export async function trainedCheckpointInt8Cost(
  threads: number,
  folder: string,
  codiespDir: string,
): Promise<TrainedCheckpointCost | undefined> {
  if (!existsSync(join(folder, 'model.safetensors')) || !existsSync(join(codiespDir, 'dev')))
    return undefined;
  const cacheDir = await mkdtemp(join(tmpdir(), 'icd-onnx-bench-'));
  let fp32: OnnxMaskedLM | undefined;
  let int8: OnnxMaskedLM | undefined;
  try {
    const tokenizer = Tokenizer.fromJSON(await readFile(join(folder, 'tokenizer.json'), 'utf8'));
    fp32 = await loadMaskedLM(folder, { engine: 'onnx', cacheDir, intraOpNumThreads: threads });
    int8 = await loadMaskedLM(folder, {
      engine: 'onnx',
      cacheDir,
      intraOpNumThreads: threads,
      export: { quantization: 'int8' },
    });
    const classifier = await classifierCost(tokenizer, fp32, int8);
    const id = (token: string) => tokenizer.tokenToId(token) as number;
    const [mask, cls, sep] = [id('[MASK]'), id('[CLS]'), id('[SEP]')];
    const notes: string[] = [];
    for await (const note of loadCodiesp(codiespDir, { split: 'dev', language: 'en', track: 'D' })) {
      notes.push(note.text);
      if (notes.length === 40) break;
    }
    let masked = 0;
    let correctFp32 = 0;
    let correctInt8 = 0;
    let agree = 0;
    for (const text of notes) {
      const { ids } = tokenizer.encode(text, null, { addSpecialTokens: false });
      for (let start = 0; start < ids.length; start += 126) {
        const window: number[] = [cls, ...(ids.slice(start, start + 126) as number[]), sep];
        const positions: number[] = [];
        const targets: number[] = [];
        for (let position = 1; position < window.length - 1; position += 7) {
          positions.push(position);
          targets.push(window[position] as number);
          window[position] = mask;
        }
        const input = { inputIds: [window] };
        const vocab = fp32.info.vocabSize;
        const a = argmaxRows((await fp32.predictMasked(input, { positions })).logits.data, vocab);
        const b = argmaxRows((await int8.predictMasked(input, { positions })).logits.data, vocab);
        targets.forEach((target, k) => {
          masked++;
          correctFp32 += a[k] === target ? 1 : 0;
          correctInt8 += b[k] === target ? 1 : 0;
          agree += a[k] === b[k] ? 1 : 0;
        });
      }
    }
    return {
      checkpoint: folder,
      classifier,
      maskedLM: {
        notes: notes.length,
        maskedTokens: masked,
        accuracyFp32: correctFp32 / masked,
        accuracyInt8: correctInt8 / masked,
        agreement: agree / masked,
      },
    };
  } finally {
    fp32?.dispose();
    int8?.dispose();
    await rm(cacheDir, { recursive: true, force: true });
  }
}
