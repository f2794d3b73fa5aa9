import { resolve } from 'node:path';
import { codeSetFromTable } from '../../model-folder/code-set.js';
import { canonicalJson, hashNotes, sha256Hex } from '../../model-folder/hashes.js';
import { saveModelFolder } from '../../node/model-folder-dir.js';
import { codeSetOf } from '../../workflow/code-set-of.js';
import { loadDataset } from '../../workflow/dataset.js';
import { trainModel } from '../../workflow/train-model.js';
import type { CliCommand } from '../command.js';
import { metricsLine } from './format-metrics.js';

const kindOf = (config: { model?: { kind?: string } }) => config.model?.kind ?? 'prompt';

export const trainCommand: CliCommand = {
  name: 'train',
  maxPositionals: 0,
  summary: 'train a coder (prompt, heads, lexical, dictionary or ensemble) and save its model folder',
  usage: [
    'Usage: icd train [--config icd.yaml] [--kind prompt|heads|lexical|dictionary|ensemble] [--plm <dir>]',
    '                 [--head cls|label-attention] [--out <dir>] [--epochs N] [--overwrite] [--json]',
    '',
    'Trains model.kind on the train split of `data`, tunes thresholds / λ on the validation split carved',
    'from it, and writes a model folder (the model, pipeline.json, a model card README.md) to `out`.',
    'heads: a [CLS] or label-attention head over the encoder of model.plm (frozen, cached states unless',
    'model.freezePlm is false; model.knowledgeInjection, model.descriptionQueries for label attention).',
  ].join('\n'),
  options: {
    kind: { type: 'string' },
    plm: { type: 'string' },
    head: { type: 'string' },
    out: { type: 'string', short: 'o' },
    epochs: { type: 'string' },
    overwrite: { type: 'boolean' },
  },
  flagPaths: {
    kind: 'model.kind',
    plm: 'model.plm',
    head: 'model.head',
    out: 'out',
    epochs: 'train.epochs',
  },
  run: async (context) => {
    const { config } = context;
    const dataset = await loadDataset(config);
    const { codeSet, terms, allTerms, table } = await codeSetOf(config, dataset.classes);
    const promptEvidence =
      kindOf(config) === 'prompt' ||
      config.model?.members?.includes('prompt') ||
      (kindOf(config) === 'heads' && config.model?.head === 'cls');
    const kind = config.model?.kind ?? 'prompt';
    context.log(
      `training a ${kind} coder on ${dataset.train.length} ${dataset.name} notes (${dataset.classes.length} codes, ${dataset.multiLabel ? 'multi' : 'single'}-label; validation ${dataset.validation.length})`,
    );
    const started = performance.now();
    const trained = await trainModel({
      config,
      dataset,
      codeSet,
      terms,
      ...(allTerms ? { allTerms } : {}),
      ...(table ? { table } : {}),
      baseDir: process.cwd(),
      bar: context.progress,
      signal: context.signal,
    });
    const seconds = (performance.now() - started) / 1000;
    const out = resolve(config.out ?? `models/${kind}`);
    const metrics = Object.fromEntries(
      Object.entries(trained.validation).filter(
        ([name, value]) => name !== 'notes' && Number.isFinite(value),
      ),
    );
    await saveModelFolder(
      out,
      trained.coder,
      {
        name: config.model?.name ?? `${dataset.name}-${kind}`,
        // A wide dictionary adds codes beyond the training labels: the code set follows the model's labels.
        codeSet:
          table && trained.coder.labels.length !== dataset.classes.length
            ? codeSetFromTable(trained.coder.labels, table)
            : codeSet,
        hashes: { config: await sha256Hex(canonicalJson(config)), data: await hashNotes(dataset.train) },
        // Fallback evidence for models that give none (prompt, a [CLS] head); the others bring their own.
        ...(promptEvidence ? { evidenceTerms: terms } : {}),
        config,
        metrics,
        data: { train: dataset.train.length, validation: dataset.validation.length },
        ...(trained.thresholds !== undefined ? { thresholds: trained.thresholds } : {}),
      },
      { overwrite: context.values.overwrite === true },
    );
    trained.coder.dispose();
    if (context.json)
      context.stdout.write(
        `${JSON.stringify({ command: 'train', kind, out, seconds, validation: trained.validation, details: trained.details })}\n`,
      );
    else
      context.stdout.write(
        `trained in ${seconds.toFixed(1)} s; validation: ${metricsLine(trained.validation)}\nsaved ${out}\n`,
      );
  },
};
