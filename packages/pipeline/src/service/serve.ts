import { assertInteger } from '@icd/core';
import {
  type CodingService,
  type CodingServiceOptions,
  createCodingService,
} from './create-coding-service.js';

/** Options of {@link serve}: the service's, plus where to listen. */
export interface ServeOptions extends CodingServiceOptions {
  /** Default 8080. */
  readonly port?: number;
  /** Default `127.0.0.1`; `0.0.0.0` to listen on every interface (behind a load balancer). */
  readonly host?: string;
  /** Close gracefully on these signals. Default `['SIGTERM', 'SIGINT']`; `[]` for none. */
  readonly signals?: readonly NodeJS.Signals[];
}

/** A listening service. */
export interface RunningService {
  readonly app: CodingService;
  /** `http://host:port`. */
  readonly url: string;
  /** Resolves once the service has closed (after a signal or `close()`). */
  readonly closed: Promise<void>;
  /** Finishes in-flight requests and stops. */
  close(): Promise<void>;
}

/**
 * Creates the coding service, waits for its model, listens, and closes gracefully on SIGTERM / SIGINT
 * (in-flight requests finish; `/ready` answers 503 meanwhile). What `icd serve` runs.
 *
 * @example
 * ```ts
 * const { url, closed } = await serve({ coder: () => loadModel('models/cardiology'), port: 8080, host: '0.0.0.0' });
 * await closed;
 * ```
 */
export async function serve(options: ServeOptions): Promise<RunningService> {
  const { port = 8080, host = '127.0.0.1', signals = ['SIGTERM', 'SIGINT'], ...service } = options;
  assertInteger('serve', 'port', port, { min: 0, max: 65_535 });
  const app = createCodingService(service);
  await app.coding.model;
  await app.listen({ port, host });
  const address = app.server.address() as { port: number };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= app.close().then(() => {
      for (const signal of signals) process.off(signal, onSignal);
      resolveClosed();
    });
    return closing;
  };
  const onSignal = () => {
    void close();
  };
  for (const signal of signals) process.once(signal, onSignal);
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, closed, close };
}
