/** Where progress goes: a TTY gets one redrawn line, anything else a plain line every ~10%. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const clock = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * A progress bar for long steps: done/total, ETA, the latest loss and throughput (items/s), on stderr.
 * Silent when `sink` is undefined (`--json`).
 *
 * @example
 * ```ts
 * const bar = new ProgressBar('train', 120, process.stderr, 'notes');
 * bar.update(10, { loss: 0.93, items: 80 });
 * bar.finish();
 * ```
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastPlain = -1;
  private done = 0;
  private items = 0;
  private loss: number | undefined;

  constructor(
    readonly label: string,
    readonly total: number,
    private readonly sink: ProgressSink | undefined,
    private readonly unit = 'items',
  ) {}

  /** `done` steps of `total`; `items` processed so far (for throughput), the step's loss. */
  update(done: number, stats: { loss?: number; items?: number } = {}): void {
    this.done = Math.min(done, this.total);
    if (stats.items !== undefined) this.items = stats.items;
    if (stats.loss !== undefined) this.loss = stats.loss;
    if (!this.sink) return;
    const line = this.line();
    if (this.sink.isTTY) this.sink.write(`\r\x1b[2K${line}`);
    else {
      const decile = Math.floor((this.done / Math.max(1, this.total)) * 10);
      if (decile > this.lastPlain) {
        this.lastPlain = decile;
        this.sink.write(`${line}\n`);
      }
    }
  }

  /** Ends the bar (a newline on a TTY). */
  finish(message?: string): void {
    if (!this.sink) return;
    if (this.sink.isTTY) this.sink.write(`\r\x1b[2K${this.line()}\n`);
    else if (this.lastPlain < 10) this.sink.write(`${this.line()}\n`);
    if (message) this.sink.write(`${message}\n`);
  }

  private line(): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const share = this.total > 0 ? this.done / this.total : 1;
    const width = 24;
    const filled = Math.round(share * width);
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : Number.NaN;
    const rate = elapsed > 0 && this.items > 0 ? ` ${(this.items / elapsed).toFixed(1)} ${this.unit}/s` : '';
    const loss = this.loss === undefined ? '' : ` loss ${this.loss.toFixed(4)}`;
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${(share * 100).toFixed(0)}% elapsed ${clock(elapsed)} eta ${clock(eta)}${loss}${rate}`;
  }
}
