// Timing helpers shared by the onnx bench: medians of wall and process CPU time, with one long run
// standing for itself (base at 512 tokens × 8 takes tens of seconds on tfjs-wasm).
import { cpus, loadavg, totalmem } from 'node:os';

export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly runs: number;
  /** The fastest timed run's wall time (the least disturbed by other jobs on a shared machine). */
  readonly minWallMs?: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs `run` once as a warm-up; if that took longer than `singleRunMs`, reports it alone; else reports
 * the medians of timed runs repeated until `minMs` has passed (at least 1, at most `maxRuns`).
 */
export async function timeRuns(
  run: () => Promise<void> | void,
  { minMs = 1000, singleRunMs = 3000, maxRuns = 10 } = {},
): Promise<Timing> {
  const once = async () => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
  const first = await once();
  if (first.wallMs > singleRunMs) return { ...first, runs: 1, minWallMs: first.wallMs };
  const walls: number[] = [];
  const cpuTimes: number[] = [];
  const started = performance.now();
  while (walls.length === 0 || (performance.now() - started < minMs && walls.length < maxRuns)) {
    const measured = await once();
    walls.push(measured.wallMs);
    cpuTimes.push(measured.cpuMs);
  }
  return {
    wallMs: median(walls),
    cpuMs: median(cpuTimes),
    runs: walls.length,
    minWallMs: Math.min(...walls),
  };
}

export function machineLine(): string {
  const processors = cpus();
  return `${processors.length} × ${processors[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
}

/** The 1-, 5- and 15-minute load averages, e.g. "3.1, 2.4, 1.9". */
export function loadLine(): string {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(', ');
}
