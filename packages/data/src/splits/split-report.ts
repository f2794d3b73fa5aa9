/** Label proportions of a split, per part: what {@link stratifiedSplit} reports. */
export interface SplitReport {
  /** The part names in ratio order (`['train', 'validation', 'test']`). */
  readonly parts: readonly string[];
  /** The requested share of each part (ratios normalised to sum 1). */
  readonly targetShares: readonly number[];
  /** The number of items in each part. */
  readonly sizes: readonly number[];
  /** One row per label: how many items carry it in each part, and that count over the part's size. */
  readonly labels: readonly {
    readonly label: string;
    readonly total: number;
    readonly counts: readonly number[];
    readonly proportions: readonly number[];
  }[];
}

/** Builds the report of a finished split from each item's labels and its part. */
export function buildSplitReport(
  parts: readonly string[],
  targetShares: readonly number[],
  labelsOf: readonly (readonly string[])[],
  partOf: Int32Array,
): SplitReport {
  const sizes = new Array<number>(parts.length).fill(0);
  const counts = new Map<string, number[]>();
  labelsOf.forEach((labels, item) => {
    const part = partOf[item]!;
    sizes[part]!++;
    for (const label of labels) {
      const row = counts.get(label) ?? new Array<number>(parts.length).fill(0);
      counts.set(label, row);
      row[part]!++;
    }
  });
  const labels = [...counts]
    .map(([label, row]) => ({
      label,
      total: row.reduce((sum, count) => sum + count, 0),
      counts: row,
      proportions: row.map((count, part) => (sizes[part] === 0 ? 0 : count / sizes[part]!)),
    }))
    .sort((a, b) => b.total - a.total || (a.label < b.label ? -1 : 1));
  return { parts, targetShares, sizes, labels };
}

/**
 * Renders a {@link SplitReport} as a Markdown table: one row per label with its count and percentage of
 * each part, so a reader sees at once that the parts keep the label distribution.
 *
 * @example
 * ```ts
 * console.log(formatSplitReport(stratifiedSplit(notes, { seed: 1, label: (n) => n.codes[0]! }).report));
 * ```
 */
export function formatSplitReport(report: SplitReport): string {
  const header = `| label | total | ${report.parts.map((part, index) => `${part} (n=${report.sizes[index]})`).join(' | ')} |`;
  const rule = `| --- | ---: | ${report.parts.map(() => '---:').join(' | ')} |`;
  const rows = report.labels.map(
    (row) =>
      `| ${row.label} | ${row.total} | ${row.counts
        .map((count, part) => `${count} (${(100 * row.proportions[part]!).toFixed(1)}%)`)
        .join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
