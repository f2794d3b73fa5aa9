/**
 * One JSON file per finished run under checkpoints/prompt-bench/results/ (git-ignored), so that a rerun
 * of `pnpm bench prompt` skips what is done and the page is rebuilt from every finished run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Scores } from './scores.js';

export interface RunResult {
  readonly key: string;
  readonly system: string;
  readonly trainSize: number;
  readonly epochs?: number;
  readonly bestStep?: number;
  readonly steps?: number;
  readonly validation?: Readonly<Record<string, number>>;
  readonly scores: Scores;
  readonly trainingExamplesPerSecond?: number;
  readonly seconds: number;
  readonly truncationRate?: number;
  readonly parameters?: number;
  readonly threshold?: number;
  readonly load: readonly [number, number];
  readonly finished: string;
}

export class ResultCache {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  private file(key: string) {
    return join(this.directory, `${key.replace(/[^a-z0-9.-]+/gi, '_')}.json`);
  }

  get(key: string): RunResult | undefined {
    const file = this.file(key);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResult) : undefined;
  }

  /** The cached result of `key`, or runs `compute` (unless `dryRun`) and caches it. */
  async getOrRun(
    key: string,
    compute: () => Promise<Omit<RunResult, 'key' | 'load' | 'finished' | 'seconds'>>,
    dryRun = false,
  ): Promise<RunResult | undefined> {
    const cached = this.get(key);
    if (cached || dryRun) return cached;
    const startLoad = loadavg()[0]!;
    const started = performance.now();
    const result: RunResult = {
      ...(await compute()),
      key,
      seconds: (performance.now() - started) / 1000,
      load: [startLoad, loadavg()[0]!],
      finished: new Date().toISOString(),
    };
    writeFileSync(this.file(key), `${JSON.stringify(result, null, 1)}\n`);
    console.log(
      `[${new Date().toISOString().slice(11, 19)}] ${key}: µF1 ${result.scores.microF1.estimate.toFixed(3)} AUC ${result.scores.macroAuc.estimate.toFixed(3)} (${result.seconds.toFixed(0)} s, load ${result.load.map((l) => l.toFixed(1)).join('→')})`,
    );
    return result;
  }
}
