import {
  assertInteger,
  type Coder,
  IcdError,
  type NoteInput,
  type NotePrediction,
  type PredictOptions,
} from '@icd/core';

/** What {@link MicroBatcher.submit} rejects with when its queue is full (the service answers 429). */
export class QueueFullError extends IcdError {
  readonly depth: number;
  constructor(depth: number, limit: number) {
    super({
      name: 'QueueFullError',
      message: `The coding queue is full (${depth} notes waiting, limit ${limit}); retry later.`,
    });
    this.depth = depth;
  }
}

/** What {@link MicroBatcher.submit} rejects with once the batcher is closed (the service answers 503). */
export class BatcherClosedError extends IcdError {
  constructor() {
    super({ name: 'BatcherClosedError', message: 'The coding queue is closed (shutting down).' });
  }
}

/** Options of {@link MicroBatcher}. */
export interface MicroBatcherOptions {
  /** At most this many notes per `coder.predict` call. Default 16. */
  readonly maxBatchSize?: number;
  /** How long the first waiting note waits for others before its batch starts. Default 5 ms. */
  readonly maxWaitMs?: number;
  /** At most this many notes waiting (not yet in a `predict` call); more are refused. Default 256. */
  readonly maxQueue?: number;
  /** `predict` calls running at once. Default 1 (one CPU-bound model per process). */
  readonly concurrency?: number;
  /** Called after each `predict` call with its size and duration (metrics). */
  readonly onBatch?: (size: number, seconds: number) => void;
}

/** The per-call options a batch shares (everything of `PredictOptions` but the signal). */
export type BatchPredictOptions = Omit<PredictOptions, 'signal'>;

interface Submission {
  readonly results: (NotePrediction | undefined)[];
  remaining: number;
  settled: boolean;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (predictions: NotePrediction[]) => void;
  readonly reject: (error: unknown) => void;
  detach?: () => void;
}

interface Entry {
  readonly note: NoteInput;
  readonly index: number;
  readonly key: string;
  readonly options: BatchPredictOptions;
  readonly submission: Submission;
  readonly arrived: number;
}

const optionsKey = (options: BatchPredictOptions) =>
  JSON.stringify([options.topK, options.threshold, options.evidence, options.maxEvidence]);

/**
 * Dynamic batching in front of a {@link Coder}: notes submitted by concurrent callers are grouped into
 * `predict` calls of up to `maxBatchSize` notes, a batch starting when it is full or when its oldest
 * note has waited `maxWaitMs`. Notes with different predict options never share a call. The queue of
 * waiting notes is bounded (`maxQueue`: {@link QueueFullError}). A caller's `signal` removes its waiting
 * notes at once; a running batch is aborted (through `predict`'s `signal`) when every caller with notes
 * in it has aborted, so abandoned work really stops.
 *
 * @example
 * ```ts
 * const batcher = new MicroBatcher(coder, { maxBatchSize: 16, maxWaitMs: 5 });
 * const [prediction] = await batcher.submit([{ id: 'n1', text: 'AF on apixaban.' }], {}, AbortSignal.timeout(5000));
 * ```
 */
export class MicroBatcher {
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  readonly maxQueue: number;
  readonly concurrency: number;
  private readonly waiting: Entry[] = [];
  private running = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly coder: Coder,
    private readonly options: MicroBatcherOptions = {},
  ) {
    const fn = 'MicroBatcher';
    this.maxBatchSize = options.maxBatchSize ?? 16;
    this.maxWaitMs = options.maxWaitMs ?? 5;
    this.maxQueue = options.maxQueue ?? 256;
    this.concurrency = options.concurrency ?? 1;
    assertInteger(fn, 'maxBatchSize', this.maxBatchSize, { min: 1 });
    assertInteger(fn, 'maxWaitMs', this.maxWaitMs, { min: 0 });
    assertInteger(fn, 'maxQueue', this.maxQueue, { min: 1 });
    assertInteger(fn, 'concurrency', this.concurrency, { min: 1 });
  }

  /** Notes waiting for a `predict` call. */
  get depth(): number {
    return this.waiting.length;
  }

  /** `predict` calls running now. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Codes `notes` in one or more batches shared with other callers; resolves with one prediction per
   * note in input order, or rejects with the coder's error, {@link QueueFullError},
   * {@link BatcherClosedError} or `signal.reason`.
   */
  submit(
    notes: readonly NoteInput[],
    options: BatchPredictOptions = {},
    signal?: AbortSignal,
  ): Promise<NotePrediction[]> {
    if (this.closed) return Promise.reject(new BatcherClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (notes.length === 0) return Promise.resolve([]);
    if (this.waiting.length + notes.length > this.maxQueue)
      return Promise.reject(new QueueFullError(this.waiting.length, this.maxQueue));
    return new Promise<NotePrediction[]>((resolve, reject) => {
      const submission: Submission = {
        results: new Array(notes.length),
        remaining: notes.length,
        settled: false,
        signal,
        resolve,
        reject,
      };
      const key = optionsKey(options);
      const arrived = performance.now();
      notes.forEach((note, index) => {
        this.waiting.push({ note, index, key, options, submission, arrived });
      });
      if (signal) {
        const onAbort = () => this.abandon(submission);
        signal.addEventListener('abort', onAbort, { once: true });
        submission.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.schedule();
    });
  }

  /** Refuses new notes; resolves when every waiting and running note is done. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  /** Resolves when nothing waits or runs. */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private abandon(submission: Submission): void {
    if (submission.settled) return;
    submission.settled = true;
    for (let index = this.waiting.length - 1; index >= 0; index--)
      if (this.waiting[index]!.submission === submission) this.waiting.splice(index, 1);
    submission.reject(submission.signal?.reason);
    this.checkIdle();
  }

  private schedule(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const oldest = this.waiting[0]!;
      const waited = performance.now() - oldest.arrived;
      const ready = this.waiting.filter((entry) => entry.key === oldest.key).length;
      if (ready < this.maxBatchSize && waited < this.maxWaitMs) {
        if (this.timer === undefined)
          this.timer = setTimeout(
            () => {
              this.timer = undefined;
              this.schedule();
            },
            Math.max(0, this.maxWaitMs - waited),
          );
        return;
      }
      this.start(this.take(oldest.key));
    }
  }

  /** Removes and returns up to `maxBatchSize` waiting notes with options `key`, oldest first. */
  private take(key: string): Entry[] {
    const batch: Entry[] = [];
    for (let index = 0; index < this.waiting.length && batch.length < this.maxBatchSize; ) {
      if (this.waiting[index]!.key === key) batch.push(...this.waiting.splice(index, 1));
      else index++;
    }
    return batch;
  }

  private start(batch: Entry[]): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.running++;
    const controller = new AbortController();
    const submissions = [...new Set(batch.map((entry) => entry.submission))];
    const onAbort = () => {
      if (submissions.every((submission) => submission.signal?.aborted))
        controller.abort(new DOMException('Every request of this batch was abandoned', 'AbortError'));
    };
    for (const submission of submissions)
      submission.signal?.addEventListener('abort', onAbort, { once: true });
    const began = performance.now();
    const run = async () => {
      try {
        const predictions = await this.coder.predict(
          batch.map((entry) => entry.note),
          { ...batch[0]!.options, signal: controller.signal },
        );
        batch.forEach((entry, position) => {
          const { submission } = entry;
          if (submission.settled) return;
          submission.results[entry.index] = predictions[position];
          if (--submission.remaining === 0) {
            submission.settled = true;
            submission.detach?.();
            submission.resolve(submission.results as NotePrediction[]);
          }
        });
      } catch (error) {
        for (const submission of submissions) {
          if (submission.settled) continue;
          submission.settled = true;
          submission.detach?.();
          submission.reject(error);
          // Its other notes, still waiting, are dropped.
          for (let index = this.waiting.length - 1; index >= 0; index--)
            if (this.waiting[index]!.submission === submission) this.waiting.splice(index, 1);
        }
      } finally {
        for (const submission of submissions) submission.signal?.removeEventListener('abort', onAbort);
        this.options.onBatch?.(batch.length, (performance.now() - began) / 1000);
        this.running--;
        this.checkIdle();
        // The next batch starts on a later turn of the event loop, so that timers (request timeouts),
        // new connections and health checks get their turn even when the model never yields.
        setImmediate(() => this.schedule());
      }
    };
    void run();
  }

  private checkIdle(): void {
    if (this.waiting.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
