import { assertInteger, assertOneOf, invalidArgument } from '@icd/core';
import { type ClassificationTargets, countLabels } from '../classification/label-counts.js';
import {
  type AveragedScores,
  type PerLabelScores,
  scoresFromCounts,
} from '../classification/precision-recall-fscore-support.js';
import type { MatrixInput } from '../internal/inputs.js';
import type { ClassLabel } from '../internal/labels.js';
import type { UndefinedLabelPolicy } from '../ranking/average-binary-score.js';
import { rocAucScoreDetails } from '../ranking/roc-auc-score.js';
import { formatFixed } from './format-fixed.js';

/** One row of a report: a label or an average. */
export interface ReportRow {
  readonly name: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1Score: number;
  readonly support: number;
}

/** The report as data (`output: 'json'`). */
export interface ClassificationReportJson {
  readonly labels: readonly ReportRow[];
  /** `'micro avg'` (or `accuracy` for multi-class), `'macro avg'`, `'weighted avg'`, `'samples avg'`. */
  readonly averages: readonly ReportRow[];
  /** Multi-class with all labels: the accuracy, shown instead of the micro average. */
  readonly accuracy?: number;
  /** With `yScore`: ROC AUC and how labels without positives or negatives were treated. */
  readonly rocAuc?: {
    readonly macro: number;
    readonly micro?: number;
    readonly undefinedLabels: UndefinedLabelPolicy;
    readonly skippedLabels: readonly ClassLabel[];
  };
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** `'text'` (default, scikit-learn's layout), `'markdown'` or `'json'` (an object). */
  output?: 'text' | 'markdown' | 'json';
  /** Labels to report (class values, or column indices for matrices). Default: all. */
  labels?: readonly ClassLabel[];
  /** Display names, parallel to the labels (e.g. ICD codes for matrix columns). */
  targetNames?: readonly string[];
  /** Decimals in text and markdown. Default 2. */
  digits?: number;
  /** Value of 0/0. Default 0. */
  zeroDivision?: 0 | 1;
  /** Multi-label scores: adds ROC AUC (macro and micro) to the report. */
  yScore?: MatrixInput;
  /** Policy for labels without positives or negatives in the AUC. Default `'skip'`, stated in the report. */
  undefinedLabels?: UndefinedLabelPolicy;
}

/**
 * Per-label precision, recall, F1 and support with their averages, as scikit-learn's
 * `classification_report`: the text layout matches it character for character; `'markdown'` gives a
 * table and `'json'` the numbers. With `yScore` (multi-label) the report adds macro and micro ROC AUC
 * and states the undefined-label policy and the labels it skipped.
 *
 * @example
 * ```ts
 * console.log(classificationReport([0, 1, 2, 2], [0, 1, 1, 2]));
 * const json = classificationReport(yTrue, yPred, { output: 'json', targetNames: codes });
 * ```
 */
export function classificationReport(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: ClassificationReportOptions & { output: 'json' },
): ClassificationReportJson;
export function classificationReport(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: ClassificationReportOptions & { output?: 'text' | 'markdown' },
): string;
export function classificationReport(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: ClassificationReportOptions = {},
): string | ClassificationReportJson {
  const fn = 'classificationReport';
  const output = options.output ?? 'text';
  assertOneOf(fn, 'output', output, ['text', 'markdown', 'json'] as const);
  const digits = options.digits ?? 2;
  assertInteger(fn, 'digits', digits, { min: 0, max: 20 });
  const zeroDivision = options.zeroDivision ?? 0;
  const counts = countLabels(fn, yTrue, yPred, options.labels);
  const names = options.targetNames ?? counts.labels.map(String);
  if (names.length !== counts.labels.length) {
    invalidArgument(
      fn,
      'targetNames',
      `one name per label (${counts.labels.length})`,
      `${names.length} names`,
    );
  }
  const perLabel = scoresFromCounts(fn, counts, { average: null, zeroDivision }) as PerLabelScores;
  const labels = names.map((name, index) => ({
    name,
    precision: perLabel.precision[index] as number,
    recall: perLabel.recall[index] as number,
    f1Score: perLabel.fScore[index] as number,
    support: perLabel.support[index] as number,
  }));
  const support = counts.actual.reduce((total, value) => total + value, 0);
  // scikit-learn shows accuracy instead of the micro average for multi-class targets when the labels
  // are exactly those seen in yTrue and yPred (`micro_is_accuracy`: no list given, or set(labels) equal to
  // unique_labels). Values outside an explicit list are refused, so "equal" means every label was seen.
  const microIsAccuracy =
    counts.kind !== 'multilabel' &&
    (options.labels === undefined ||
      counts.labels.every(
        (_, index) => (counts.actual[index] as number) + (counts.predicted[index] as number) > 0,
      ));
  const averageNames = (
    counts.kind === 'multilabel' ? ['micro', 'macro', 'weighted', 'samples'] : ['micro', 'macro', 'weighted']
  ) as ('micro' | 'macro' | 'weighted' | 'samples')[];
  const averages: ReportRow[] = [];
  let accuracy: number | undefined;
  for (const average of averageNames) {
    const scores = scoresFromCounts(fn, counts, { average, zeroDivision }) as AveragedScores;
    if (average === 'micro' && microIsAccuracy) {
      accuracy = scores.fScore;
      continue;
    }
    averages.push({
      name: `${average} avg`,
      precision: scores.precision,
      recall: scores.recall,
      f1Score: scores.fScore,
      support,
    });
  }
  let rocAuc: ClassificationReportJson['rocAuc'];
  if (options.yScore !== undefined) {
    const undefinedLabels = options.undefinedLabels ?? 'skip';
    const macro = rocAucScoreDetails(yTrue as MatrixInput, options.yScore, {
      average: 'macro',
      undefinedLabels,
    });
    const micro = rocAucScoreDetails(yTrue as MatrixInput, options.yScore, {
      average: 'micro',
      undefinedLabels,
    });
    rocAuc = { macro: macro.score, micro: micro.score, undefinedLabels, skippedLabels: macro.skippedLabels };
  }
  const report: ClassificationReportJson = {
    labels,
    averages,
    ...(accuracy === undefined ? {} : { accuracy }),
    ...(rocAuc ? { rocAuc } : {}),
  };
  if (output === 'json') return report;
  return output === 'text' ? formatText(report, digits, support) : formatMarkdown(report, digits, support);
}

function formatText(report: ClassificationReportJson, digits: number, support: number): string {
  const width = Math.max(...report.labels.map((row) => row.name.length), 'weighted avg'.length, digits);
  const column = (text: string) => text.padStart(9);
  const row = (values: ReportRow) =>
    `${values.name.padStart(width)}  ${[values.precision, values.recall, values.f1Score].map((value) => column(formatFixed(value, digits))).join(' ')} ${column(String(values.support))}\n`;
  let text = `${''.padStart(width)}  ${['precision', 'recall', 'f1-score', 'support'].map(column).join(' ')}\n\n`;
  for (const label of report.labels) text += row(label);
  text += '\n';
  if (report.accuracy !== undefined) {
    text += `${'accuracy'.padStart(width)}  ${column('')} ${column('')} ${column(formatFixed(report.accuracy, digits))} ${column(String(support))}\n`;
  }
  for (const average of report.averages) text += row(average);
  if (report.rocAuc) text += `\n${rocAucLine(report.rocAuc, digits)}\n`;
  return text;
}

function formatMarkdown(report: ClassificationReportJson, digits: number, support: number): string {
  const cell = (value: number) => formatFixed(value, digits);
  const lines = [
    '| label | precision | recall | f1-score | support |',
    '| :--- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of [...report.labels])
    lines.push(
      `| ${row.name} | ${cell(row.precision)} | ${cell(row.recall)} | ${cell(row.f1Score)} | ${row.support} |`,
    );
  if (report.accuracy !== undefined)
    lines.push(`| **accuracy** | | | ${cell(report.accuracy)} | ${support} |`);
  for (const row of report.averages)
    lines.push(
      `| **${row.name}** | ${cell(row.precision)} | ${cell(row.recall)} | ${cell(row.f1Score)} | ${row.support} |`,
    );
  if (report.rocAuc) lines.push('', rocAucLine(report.rocAuc, digits));
  return `${lines.join('\n')}\n`;
}

function rocAucLine(rocAuc: NonNullable<ClassificationReportJson['rocAuc']>, digits: number): string {
  const skipped =
    rocAuc.undefinedLabels === 'skip'
      ? `${rocAuc.skippedLabels.length} label(s) without positives or negatives skipped`
      : 'labels without positives or negatives raise';
  return `ROC AUC macro ${formatFixed(rocAuc.macro, digits)}, micro ${formatFixed(rocAuc.micro ?? Number.NaN, digits)} (undefinedLabels: '${rocAuc.undefinedLabels}': ${skipped})`;
}
