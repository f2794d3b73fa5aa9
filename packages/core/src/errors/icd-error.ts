const marker = 'icd.error';
const symbol = Symbol.for(marker);

/**
 * Base class of every error thrown by an `@icd/*` package.
 *
 * Use {@link IcdError.isInstance} rather than `instanceof`: the check reads a `Symbol.for` marker, so it
 * holds when two copies of `@icd/core` are installed (a common state in monorepos and bundles).
 *
 * @example
 * ```ts
 * try { f1Score(yTrue, yPred); } catch (error) {
 *   if (IcdError.isInstance(error)) console.error(error.message);
 * }
 * ```
 */
export class IcdError extends Error {
  protected readonly [symbol] = true;
  override readonly cause?: unknown;

  constructor({ name, message, cause }: { name: string; message: string; cause?: unknown }) {
    super(message);
    this.name = name;
    this.cause = cause;
  }

  /** True when `error` is an {@link IcdError} from any installed copy of `@icd/core`. */
  static isInstance(error: unknown): error is IcdError {
    return IcdError.hasMarker(error, marker);
  }

  protected static hasMarker(error: unknown, markerName: string): boolean {
    const markerSymbol = Symbol.for(markerName);
    return (
      error != null &&
      typeof error === 'object' &&
      markerSymbol in error &&
      (error as Record<symbol, unknown>)[markerSymbol] === true
    );
  }
}
