import { existsSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { HubError } from '../hub-error.js';

// Downloads of one blob under way in this process: a second caller waits for the first.
const inFlight = new Map<string, Promise<void>>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** @internal Options of {@link withBlobLock}: how long to wait for another process (default 30 min). */
export interface BlobLockOptions {
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

/**
 * @internal Runs `download` for `blob` at most once at a time: in this process (a second call waits for
 * the first), and across processes through `<blob>.incomplete.icd-lock` (created exclusively, holding
 * the pid; a lock whose process is gone is taken over). After waiting, `download` is skipped when the
 * blob is there. So two loaders never write one `.incomplete` file at once.
 */
export async function withBlobLock(
  blob: string,
  context: { readonly repo: string; readonly file: string },
  download: () => Promise<void>,
  options: BlobLockOptions = {},
): Promise<void> {
  const running = inFlight.get(blob);
  if (running) {
    await running.catch(() => undefined);
    if (existsSync(blob)) return;
  }
  const task = locked(blob, context, download, options);
  inFlight.set(blob, task);
  try {
    await task;
  } finally {
    if (inFlight.get(blob) === task) inFlight.delete(blob);
  }
}

async function locked(
  blob: string,
  context: { readonly repo: string; readonly file: string },
  download: () => Promise<void>,
  { timeoutMs = 30 * 60_000, pollMs = 100 }: BlobLockOptions,
): Promise<void> {
  const lock = `${blob}.incomplete.icd-lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    // A lock of a process that is gone (or an empty one older than a few seconds: a crash mid-write).
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if ((Number.isInteger(holder) && holder > 0 && !alive(holder)) || (!(holder > 0) && age > 5000)) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new HubError({
        repo: context.repo,
        file: context.file,
        reason: 'network',
        message: `another process (pid ${holder}) has been downloading it for ${Math.round(timeoutMs / 60_000)} min (${lock}); remove that file if no download runs`,
      });
    await sleep(pollMs);
    if (existsSync(blob)) return;
  }
  try {
    if (!existsSync(blob)) await download();
  } finally {
    await rm(lock, { force: true });
  }
}
