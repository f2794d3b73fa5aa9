import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualTemplate } from '../templates/manual-template.js';
import { SoftVerbalizer } from '../verbalizers/soft-verbalizer.js';
import { evaluatePromptModel } from './labelled-batches.js';
import { PromptForClassification } from './prompt-for-classification.js';
import { rankPredictions } from './rank-predictions.js';
import { trainPromptModel } from './train-prompt-model.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('rankPredictions', () => {
  it('ranks by score (ties in label order) and applies per-code or top-score thresholds', () => {
    const labels = ['A', 'B', 'C'];
    const scores = Float32Array.of(0.2, 0.5, 0.5);
    const single = rankPredictions('n', labels, scores, undefined, {});
    expect(single.ranked.map((c) => [c.code, c.predicted, c.threshold])).toEqual([
      ['B', true, 0.5],
      ['C', true, 0.5],
      ['A', false, 0.5],
    ]);
    const multi = rankPredictions('n', labels, scores, Float64Array.of(0.1, 0.6, 0.4), { topK: 2 });
    expect(multi.ranked.map((c) => [c.code, c.predicted])).toEqual([
      ['B', false],
      ['C', true],
    ]);
    expect(
      rankPredictions('n', labels, scores, undefined, { threshold: 0.15 }).ranked.every((c) => c.predicted),
    ).toBe(true);
    expect(() => rankPredictions('n', labels, scores, undefined, { topK: 0 })).toThrow(/topK/);
    expect(single).toMatchObject({ noteId: 'n', evidenceSource: 'none' });
  });
});

describe('PromptForClassification multi-label', () => {
  const labelWords = { I10: ['hypertension'], E11: ['diabetes'], J45: ['asthma'] };
  const examples = [
    { input: 'hypertension and diabetes mellitus type', labels: ['I10', 'E11'] },
    { input: 'asthma with cough', labels: ['J45'] },
    { input: 'hypertension', labels: ['I10'] },
    { input: 'diabetes mellitus', labels: ['E11'] },
    { input: 'asthma and hypertension', labels: ['J45', 'I10'] },
    { input: 'no disease', labels: [] },
  ];

  function model() {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const template = new ManualTemplate({
      tokenizer,
      text: '{"placeholder":"text_a"} {"mask"} .',
      maxLength: 32,
    });
    const verbalizer = new SoftVerbalizer({ tokenizer, model: plm, labelWords });
    return new PromptForClassification({ template, plm, verbalizer, multiLabel: true, batchSize: 4 });
  }

  it('trains with BCE, tunes the threshold on validation, and predicts several codes per note', async () => {
    const coder = model();
    const result = await trainPromptModel(coder, examples, {
      epochs: 40,
      batchSize: 6,
      learningRates: { plm: 3e-3, verbalizer: 3e-2 },
      warmupRatio: 0,
      validation: { examples, every: 20, metric: 'loss' },
    });
    expect(result.validation?.microF1).toBe(1);
    const tuned = coder.thresholds[0]!;
    expect(Array.from(coder.thresholds)).toEqual([tuned, tuned, tuned]);
    const predictions = await coder.predict(examples.map((e, i) => ({ id: `n${i}`, text: e.input })));
    expect(
      predictions.map((p) =>
        p.ranked
          .filter((c) => c.predicted)
          .map((c) => c.code)
          .sort(),
      ),
    ).toEqual(examples.map((e) => [...e.labels].sort()));
    const { metrics } = await evaluatePromptModel(coder, examples);
    expect(metrics.microF1).toBe(1);
    coder.dispose();
  });

  it('rejects an aborted prediction and bad notes, and refuses use after dispose', async () => {
    const coder = model();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(coder.predict([{ id: 'n', text: 'asthma' }], { signal: controller.signal })).rejects.toThrow(
      'stop',
    );
    await expect(coder.predict([{ id: 'n' } as never])).rejects.toThrow(/string id and text/);
    expect(await coder.predict([])).toEqual([]);
    expect(() => (coder.thresholds = [0.5])).toThrow(/one threshold or 3/);
    coder.dispose();
    coder.dispose();
    await expect(coder.predict([{ id: 'n', text: 'asthma' }])).rejects.toThrow(/disposed/);
  });
});
