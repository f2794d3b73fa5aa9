import { CheckpointError, IcdError } from '@icd/core';

const marker = 'icd.error.HubError';
const symbol = Symbol.for(marker);

/**
 * Why a Hub download failed: `gated` (401/403: log in, accept the licence, pass a token),
 * `notFound` (404: no such repo, revision or file), `notCached` (offline, and the file is not in the
 * cache), `unsupported` (e.g. only `pytorch_model.bin`), `integrity` (size or sha256 differs from what the
 * Hub announced) or `network` (no answer, a dropped connection, another HTTP status).
 *
 * @example
 * ```ts
 * const reason: HubErrorReason = 'gated';
 * ```
 */
export type HubErrorReason = 'gated' | 'notFound' | 'notCached' | 'unsupported' | 'integrity' | 'network';

/**
 * A file of a HuggingFace Hub repo could not be had. A {@link CheckpointError} (so code that handles
 * checkpoint errors handles it) with the `repo`, the `reason` and, for HTTP failures, the `status`; the
 * message says what to do.
 *
 * @example
 * ```ts
 * try {
 *   await downloadToCache('org/gated-model', 'config.json');
 * } catch (error) {
 *   if (HubError.isInstance(error) && error.reason === 'gated') console.log('set HF_TOKEN');
 * }
 * ```
 */
export class HubError extends CheckpointError {
  protected readonly [symbol] = true;
  readonly repo: string;
  readonly reason: HubErrorReason;
  readonly status: number | undefined;

  constructor(options: {
    repo: string;
    reason: HubErrorReason;
    message: string;
    file?: string;
    status?: number;
    cause?: unknown;
  }) {
    super({ file: options.file ?? options.repo, message: options.message, cause: options.cause });
    Object.defineProperty(this, 'name', { value: 'HubError' });
    this.repo = options.repo;
    this.reason = options.reason;
    this.status = options.status;
  }

  static override isInstance(error: unknown): error is HubError {
    return IcdError.hasMarker(error, marker);
  }
}
