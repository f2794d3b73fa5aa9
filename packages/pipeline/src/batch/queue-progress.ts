import type { Queue } from 'bullmq';

/** The jobs of `queue` not yet done: waiting, active, delayed, prioritized, waiting for children. */
export async function pendingJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Resolves once `queue` has no pending job (polling every `intervalMs`), or rejects on `signal`. */
export async function waitUntilDrained(
  queue: Queue,
  { intervalMs = 500, signal }: { intervalMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    if ((await pendingJobs(queue)) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
