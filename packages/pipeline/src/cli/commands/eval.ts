import { resolve } from 'node:path';
import { loadModelFolder } from '../../node/model-folder-dir.js';
import { loadDataset } from '../../workflow/dataset.js';
import { evaluateCoder, scoreRows } from '../../workflow/evaluate.js';
import { naiveBayesPosteriors } from '../../workflow/naive-bayes.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../exit-codes.js';
import { metricsTable } from './format-metrics.js';

export const evalCommand: CliCommand = {
  name: 'eval',
  maxPositionals: 0,
  summary:
    'score a model folder on the held-out split (accuracy, micro-F1, macro-AUC, MAP) next to naive Bayes',
  usage: [
    'Usage: icd eval --model <dir> [--config icd.yaml] [--engine tfjs|onnx] [--no-baseline] [--json]',
    '',
    'Predicts the held-out split of `data` (synthetic: the test part; CodiEsp: dev) and reports accuracy,',
    'micro-F1, macro-AUC and CodiEsp MAP over the label space; single-label data also gets the multinomial',
    'naive-Bayes baseline trained on the same train split.',
  ].join('\n'),
  options: {
    model: { type: 'string', short: 'm' },
    engine: { type: 'string' },
    'no-baseline': { type: 'boolean' },
  },
  run: async (context) => {
    const modelDir = context.values.model;
    if (typeof modelDir !== 'string') throw new UsageError('--model <dir> is required');
    const dataset = await loadDataset(context.config);
    if (dataset.test.length === 0) throw new UsageError('the data has no held-out split (data.test)');
    const coder = await loadModelFolder(resolve(modelDir), {
      engine: (context.values.engine as 'tfjs' | 'onnx' | undefined) ?? 'tfjs',
    });
    const bar = context.progress('evaluate', dataset.test.length, 'notes');
    const started = performance.now();
    try {
      const { metrics } = await evaluateCoder(coder, dataset.test, dataset.classes, dataset.multiLabel, {
        signal: context.signal,
        onBatch: (done) => bar.update(done, { items: done }),
      });
      bar.finish();
      const rows = [{ name: coder.metadata.name, metrics }];
      if (!dataset.multiLabel && context.values['no-baseline'] !== true) {
        const posteriors = naiveBayesPosteriors(
          dataset.train.map((note) => ({ text: note.text, label: note.codes[0]! })),
          dataset.classes,
          dataset.test.map((note) => note.text),
        );
        rows.push({
          name: 'naive Bayes (words)',
          metrics: scoreRows(
            dataset.test.map((note) => note.codes),
            posteriors,
            dataset.classes,
            { multiLabel: false, ids: dataset.test.map((note) => note.id) },
          ),
        });
      }
      const seconds = (performance.now() - started) / 1000;
      if (context.json)
        context.stdout.write(
          `${JSON.stringify({ command: 'eval', model: resolve(modelDir), split: 'test', seconds, results: rows })}\n`,
        );
      else
        context.stdout.write(
          `held-out ${dataset.name} (${dataset.test.length} notes):\n${metricsTable(rows)}`,
        );
    } finally {
      coder.dispose();
    }
  },
};
