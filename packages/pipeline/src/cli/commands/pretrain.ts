import { resolve } from 'node:path';
import { loadDataset } from '../../workflow/dataset.js';
import { pretrainMaskedLM } from '../../workflow/pretrain.js';
import type { CliCommand } from '../command.js';

export const pretrainCommand: CliCommand = {
  name: 'pretrain',
  maxPositionals: 0,
  summary: 'train a WordPiece vocabulary and a small BERT (masked LM) on the training notes',
  usage: [
    'Usage: icd pretrain [--config icd.yaml] [--out <dir>] [--steps N] [--json]',
    '',
    'Trains a WordPiece vocabulary (pretrain.vocabSize) and a BERT (pretrain.hiddenSize, layers, heads)',
    'with the masked-LM objective on the train split of `data`, and saves it as a HuggingFace folder',
    '(config.json, model.safetensors, tokenizer files) in pretrain.out.',
  ].join('\n'),
  options: { out: { type: 'string', short: 'o' }, steps: { type: 'string' } },
  flagPaths: { out: 'pretrain.out', steps: 'pretrain.steps' },
  run: async (context) => {
    const { config } = context;
    const dataset = await loadDataset(config);
    const out = resolve(config.pretrain?.out ?? 'checkpoints/icd-pretrained');
    const steps = config.pretrain?.steps ?? 300;
    context.log(
      `pretraining on ${dataset.train.length} ${dataset.name} training notes (${steps} updates) → ${out}`,
    );
    const report = await pretrainMaskedLM(
      dataset.train.map((note) => note.text),
      { ...config, pretrain: { ...config.pretrain, out } },
      { bar: () => context.progress('pretrain masked LM', steps, 'texts'), signal: context.signal },
    );
    if (context.json) context.stdout.write(`${JSON.stringify({ command: 'pretrain', ...report })}\n`);
    else
      context.stdout.write(
        `pretrained ${report.parameters.toLocaleString('en')} parameters, vocabulary ${report.vocabSize}, ${report.steps} updates in ${report.seconds.toFixed(1)} s: loss ${report.firstLoss.toFixed(3)} → ${report.lastLoss.toFixed(3)}, masked-token accuracy ${(report.maskedAccuracy * 100).toFixed(1)}%\nsaved ${report.out}\n`,
      );
  },
};
