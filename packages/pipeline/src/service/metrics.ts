/**
 * A small hand-written Prometheus registry (text exposition format 0.0.4): counters, gauges and
 * histograms with labels. Hand-written rather than prom-client because the service needs five series
 * and no default collectors; the format is simple and fixed
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */

type Labels = Readonly<Record<string, string>>;

/** Escapes a label value: backslash, double quote and line feed, as the format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
}

/** A number as the format writes it (`+Inf`, `-Inf`, `NaN`, else JavaScript's shortest form). */
function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

interface Metric {
  readonly name: string;
  expose(): string;
}

/** A monotonically increasing count per label set. */
export class Counter implements Metric {
  private readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.series.get(key);
    if (entry) entry.value += by;
    else this.series.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.series.get(keyOf(labels))?.value ?? 0;
  }

  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.series.values())
      lines.push(`${this.name}${labelText(labels)} ${formatNumber(value)}`);
    return lines.join('\n');
  }
}

/** A value read when scraped. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  expose(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${formatNumber(this.read())}`,
    ].join('\n');
  }
}

/** Observations counted into cumulative `le` buckets, with `_sum` and `_count`. */
export class Histogram implements Metric {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = keyOf(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, index) => {
      if (value <= bound) entry.counts[index]!++;
    });
    entry.sum += value;
    entry.count++;
  }

  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, index) => {
        lines.push(`${this.name}_bucket${labelText(labels, ['le', formatNumber(bound)])} ${counts[index]}`);
      });
      lines.push(`${this.name}_bucket${labelText(labels, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

/** The content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Metrics of one coding service. */
export class ServiceMetrics {
  readonly requests = new Counter(
    'icd_http_requests_total',
    'HTTP requests answered, by method, route and status code.',
  );
  readonly latency = new Histogram(
    'icd_http_request_duration_seconds',
    'Time from receiving a request to sending its response, by route.',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  readonly batchSize = new Histogram(
    'icd_predict_batch_size',
    'Notes per coder.predict call made by the micro-batcher.',
    [1, 2, 4, 8, 16, 32, 64, 128],
  );
  readonly predictDuration = new Histogram(
    'icd_predict_duration_seconds',
    'Duration of one coder.predict call.',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly notes = new Counter('icd_notes_coded_total', 'Notes coded.');
  readonly rejected = new Counter(
    'icd_requests_rejected_total',
    'Coding requests refused or stopped, by reason (queue_full, timeout, closing, not_ready).',
  );
  private readonly gauges: Gauge[] = [];

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push(new Gauge(name, help, read));
  }

  /** Every metric in the text exposition format, ending with a line feed. */
  expose(): string {
    const metrics: Metric[] = [
      this.requests,
      this.latency,
      this.batchSize,
      this.predictDuration,
      this.notes,
      this.rejected,
      ...this.gauges,
    ];
    return `${metrics.map((metric) => metric.expose()).join('\n')}\n`;
  }
}
