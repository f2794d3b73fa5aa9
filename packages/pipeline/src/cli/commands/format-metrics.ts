import type { EvaluationMetrics } from '../../workflow/evaluate.js';

const figure = (value: number) => (Number.isFinite(value) ? value.toFixed(4) : 'n/a');

/** `accuracy 0.9120, micro-F1 0.9120, macro-AUC 0.9900, MAP 0.9500 (250 notes)`. */
export const metricsLine = (metrics: EvaluationMetrics) =>
  `accuracy ${figure(metrics.accuracy)}, micro-F1 ${figure(metrics.microF1)}, macro-AUC ${figure(metrics.macroAuc)}, MAP ${figure(metrics.map)} (${metrics.notes} notes)`;

/** A Markdown-style table of named metric rows. */
export function metricsTable(rows: readonly { name: string; metrics: EvaluationMetrics }[]): string {
  const width = Math.max(6, ...rows.map((row) => row.name.length));
  const lines = [
    `| ${'system'.padEnd(width)} | accuracy | micro-F1 | macro-AUC |    MAP |`,
    `| ${'-'.repeat(width)} | -------: | -------: | --------: | -----: |`,
    ...rows.map(
      ({ name, metrics }) =>
        `| ${name.padEnd(width)} | ${figure(metrics.accuracy).padStart(8)} | ${figure(metrics.microF1).padStart(8)} | ${figure(metrics.macroAuc).padStart(9)} | ${figure(metrics.map).padStart(6)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
