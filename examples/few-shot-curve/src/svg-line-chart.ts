/**
 * A small dependency-free SVG line chart for a learning curve: categorical x ("1", "2", "4", "full"),
 * y in [0, 1], one line per series, a legend. The same idea as the prompt bench's plotter, written
 * out again so that the example depends on published packages only.
 */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** One value per category (`undefined` leaves a gap). */
  readonly values: readonly (number | undefined)[];
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r = (value: number) => Math.round(value * 10) / 10;

/**
 * The chart as an SVG document (a string).
 *
 * @example
 * ```ts
 * lineChartSvg({ title: 'Accuracy', xLabel: 'notes per code', yLabel: 'accuracy', categories: ['1', 'full'],
 *   series: [{ name: 'NB', color: '#1b9e77', values: [0.4, 0.9] }] });
 * ```
 */
export function lineChartSvg(options: ChartOptions): string {
  const [width, height, legend] = [720, 400, 220];
  const margin = { left: 56, right: legend + 16, top: 40, bottom: 52 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const n = options.categories.length;
  const x = (i: number) => margin.left + (n === 1 ? plotWidth / 2 : (i * plotWidth) / (n - 1));
  const y = (v: number) => margin.top + plotHeight * (1 - Math.min(1, Math.max(0, v)));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${r(margin.left + plotWidth / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (let t = 0; t <= 5; t++) {
    const yy = r(y(t / 5));
    out.push(
      `<line x1="${margin.left}" y1="${yy}" x2="${margin.left + plotWidth}" y2="${yy}" stroke="#e3e3e3"/>`,
      `<text x="${margin.left - 8}" y="${yy + 4}" text-anchor="end">${(t / 5).toFixed(1)}</text>`,
    );
  }
  options.categories.forEach((category, i) => {
    out.push(
      `<text x="${r(x(i))}" y="${margin.top + plotHeight + 20}" text-anchor="middle">${escapeXml(category)}</text>`,
    );
  });
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#444"/>`,
    `<text x="${r(margin.left + plotWidth / 2)}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${r(margin.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, s) => {
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    let path = '';
    series.values.forEach((value, i) => {
      if (value === undefined) return;
      const command = path === '' || series.values[i - 1] === undefined ? 'M' : 'L';
      path += `${command}${r(x(i))},${r(y(value))} `;
      out.push(`<circle cx="${r(x(i))}" cy="${r(y(value))}" r="3.5" fill="${series.color}"/>`);
    });
    if (path !== '')
      out.push(`<path d="${path.trim()}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    const [lx, ly] = [width - legend, margin.top + 10 + s * 22];
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 34}" y="${ly + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
