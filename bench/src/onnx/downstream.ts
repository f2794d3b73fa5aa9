// The int8 export's cost on a downstream task: a softmax-regression classifier of the synthetic
// cardiology corpus (@icd/data) trained on mean-pooled fp32 ONNX features of a BERT-mini with a
// vocabulary trained on the corpus, then applied to the same notes' fp32 and int8 features.
import { BertConfig, BertModel } from '@icd/bert';
import { generateCardiologyCorpus } from '@icd/data';
import { exportOnnx, OnnxEncoder } from '@icd/onnx';
import { WordPieceTrainer } from '@icd/tokenizer';

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
  encoder: OnnxEncoder,
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

/** Runs the comparison (a few seconds on BERT-mini; `threads` intra-op threads for ONNX Runtime). */
export async function int8DownstreamCost(threads: number): Promise<DownstreamCost> {
  const notes = generateCardiologyCorpus({ size: 600, seed: 15, words: [40, 200] });
  const classNames = [...new Set(notes.map((note) => note.codes[0] as string))].sort();
  const labels = notes.map((note) => classNames.indexOf(note.codes[0] as string));
  const vocabulary = await new WordPieceTrainer({ vocabSize: 3000 }).train(
    notes.slice(0, 400).map((note) => note.text),
  );
  const tokenizer = vocabulary.toTokenizer();
  const batches: { ids: number[][]; mask: number[][] }[] = [];
  for (let start = 0; start < notes.length; start += 8) {
    const encodings = tokenizer.encodeBatch(
      notes.slice(start, start + 8).map((note) => note.text),
      { maxLength: 128, truncation: true, padding: 'longest' },
    );
    batches.push({ ids: encodings.map((e) => [...e.ids]), mask: encodings.map((e) => [...e.attentionMask]) });
  }
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
  const [fromFp32, fromInt8] = [await features(fp32, batches), await features(int8, batches)];
  fp32.dispose();
  int8.dispose();
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
