import { assertInteger } from '@icd/core';

/**
 * Where progress goes: a writable with an optional TTY flag (`process.stderr` in Node by default).
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const stream: ProgressStream = { write: (text) => lines.push(text), isTTY: false };
 * new ProgressReporter({ totalSteps: 100, stream });
 * ```
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * One training update's figures.
 *
 * @example
 * ```ts
 * const update: ProgressUpdate = { step: 10, loss: 7.2, learningRate: 1e-5, tokens: 10240 };
 * progress.update(update);
 * ```
 */
export interface ProgressUpdate {
  /** Updates done. */
  readonly step: number;
  /** Item-weighted mean loss of the update. */
  readonly loss: number;
  /** Rate of the first parameter group with a rate (NaN when none has one). */
  readonly learningRate: number;
  /** Tokens (or items, when the objective reports no tokens) processed since the run (or resume) started. */
  readonly tokens: number;
}

/** `process.stderr` where there is one (Node), else a sink (browsers). @internal */
export function defaultProgressStream(): ProgressStream {
  const stderr = (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
  return stderr ?? { write: () => undefined, isTTY: false };
}

/**
 * Training progress on stderr: on a terminal, one line redrawn in place with a bar, loss, learning rate,
 * tokens/s and ETA; elsewhere (CI logs, files), one plain line every `logEvery` steps and at the end, so
 * logs stay readable. Timing starts at construction, so a resumed run measures its own speed.
 *
 * @example
 * ```ts
 * const progress = new ProgressReporter({ totalSteps: 1000, logEvery: 50 });
 * progress.update({ step: 1, loss: 9.8, learningRate: 1e-6, tokens: 1024 });
 * progress.finish();
 * ```
 */
export class ProgressReporter {
  readonly totalSteps: number;
  readonly logEvery: number;
  private readonly stream: ProgressStream;
  private readonly startTime = performance.now();
  private readonly firstStep: number;
  private lastLine = '';

  constructor({
    totalSteps,
    logEvery = 50,
    stream = defaultProgressStream(),
    startStep = 0,
  }: { totalSteps: number; logEvery?: number; stream?: ProgressStream; startStep?: number }) {
    assertInteger('ProgressReporter', 'totalSteps', totalSteps, { min: 1 });
    assertInteger('ProgressReporter', 'logEvery', logEvery, { min: 1 });
    this.totalSteps = totalSteps;
    this.logEvery = logEvery;
    this.stream = stream;
    this.firstStep = startStep;
  }

  /** Formats and shows `update` (in place on a TTY, every `logEvery` steps otherwise). */
  update(update: ProgressUpdate): void {
    const seconds = (performance.now() - this.startTime) / 1000;
    const done = update.step - this.firstStep;
    const remaining = this.totalSteps - update.step;
    const eta = done > 0 ? (seconds / done) * remaining : Number.NaN;
    const fields = [
      `step ${update.step}/${this.totalSteps}`,
      `loss ${update.loss.toFixed(4)}`,
      `lr ${update.learningRate.toExponential(2)}`,
      `${Math.round(update.tokens / Math.max(seconds, 1e-9))} tok/s`,
      `ETA ${formatDuration(eta)}`,
    ].join(' | ');
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.round((update.step / this.totalSteps) * width);
      this.lastLine = `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${fields}`;
      this.stream.write(this.lastLine);
    } else if (update.step % this.logEvery === 0 || update.step === this.totalSteps) {
      this.stream.write(`${fields}\n`);
    }
  }

  /** Ends the in-place line on a TTY. */
  finish(): void {
    if (this.stream.isTTY && this.lastLine !== '') this.stream.write('\n');
  }
}

/**
 * A duration for humans: `93` → `1m33s`, `7300` → `2h01m`, `NaN` → `?`.
 *
 * @example
 * ```ts
 * formatDuration(93); // '1m33s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}
