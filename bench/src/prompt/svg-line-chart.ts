/**
 * A tiny dependency-free SVG line chart: categorical x (e.g. 1, 2, 4, ... examples per class, "full"),
 * y in [yMin, yMax], one polyline per series with optional 95% interval whiskers, a legend. Enough
 * for the few-shot learning curves of docs/benchmarks/prompt.md.
 */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** One point per x category; `undefined` leaves a gap. */
  readonly points: readonly (
    | { readonly y: number; readonly lower?: number; readonly upper?: number }
    | undefined
  )[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly yMin?: number;
  readonly yMax?: number;
  readonly width?: number;
  readonly height?: number;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const round = (value: number) => Math.round(value * 10) / 10;

export function lineChartSvg(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  const legendWidth = 210;
  const margin = { left: 60, right: legendWidth + 20, top: 44, bottom: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const yMin = options.yMin ?? 0;
  const yMax = options.yMax ?? 1;
  const n = options.categories.length;
  const x = (index: number) => margin.left + (n === 1 ? plotWidth / 2 : (index * plotWidth) / (n - 1));
  const y = (value: number) =>
    margin.top + plotHeight - ((Math.min(yMax, Math.max(yMin, value)) - yMin) / (yMax - yMin)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">`,
    // The accessible name of the image (screen readers, and Biome's a11y rule).
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2 - legendWidth / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  const ticks = 5;
  for (let t = 0; t <= ticks; t++) {
    const value = yMin + ((yMax - yMin) * t) / ticks;
    const yy = round(y(value));
    parts.push(
      `<line x1="${margin.left}" y1="${yy}" x2="${margin.left + plotWidth}" y2="${yy}" stroke="#e3e3e3"/>`,
      `<text x="${margin.left - 8}" y="${yy + 4}" text-anchor="end">${value.toFixed(2)}</text>`,
    );
  }
  options.categories.forEach((category, index) => {
    const xx = round(x(index));
    parts.push(
      `<line x1="${xx}" y1="${margin.top + plotHeight}" x2="${xx}" y2="${margin.top + plotHeight + 5}" stroke="#444"/>`,
      `<text x="${xx}" y="${margin.top + plotHeight + 20}" text-anchor="middle">${escapeXml(category)}</text>`,
    );
  });
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#444"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, s) => {
    const jitter = (s - (options.series.length - 1) / 2) * 3; // keeps overlapping whiskers apart
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    let path = '';
    series.points.forEach((point, index) => {
      if (!point) return;
      const xx = round(x(index) + jitter);
      path += `${path === '' || !series.points[index - 1] ? 'M' : 'L'}${xx},${round(y(point.y))} `;
      if (point.lower !== undefined && point.upper !== undefined)
        parts.push(
          `<line x1="${xx}" y1="${round(y(point.lower))}" x2="${xx}" y2="${round(y(point.upper))}" stroke="${series.color}" stroke-opacity="0.45" stroke-width="2"/>`,
        );
      parts.push(`<circle cx="${xx}" cy="${round(y(point.y))}" r="3.5" fill="${series.color}"/>`);
    });
    if (path !== '')
      parts.push(`<path d="${path.trim()}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    const ly = margin.top + 10 + s * 22;
    const lx = width - legendWidth;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<circle cx="${lx + 13}" cy="${ly}" r="3.5" fill="${series.color}"/>`,
      `<text x="${lx + 34}" y="${ly + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
