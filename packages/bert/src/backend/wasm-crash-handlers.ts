/**
 * Containment of the process handlers that tfjs-backend-wasm's emscripten glue installs in Node.
 *
 * When the wasm module is instantiated, the glue runs
 * `process.on('uncaughtException', (ex) => { if (!(ex instanceof ExitStatus)) throw ex; })` and
 * `process.on('unhandledRejection', (reason) => { throw reason; })`. A handler that throws makes Node
 * exit with code 7 after printing the minified glue, so ANY later error of the application kills the
 * process, even one the application handles itself (its own `uncaughtException` handler runs, then the
 * glue's rethrows). tfjs 4.22's post.js tries to remove them on backend dispose, but its filter
 * (`!before.indexOf(l) > -1`, always true) would remove the application's handlers too, and a server
 * never disposes the backend. The glue's handlers only reproduce Node's default behaviour, so removing
 * them changes nothing else: without a handler of the application, Node still crashes on an uncaught
 * error as usual.
 */

const events = ['uncaughtException', 'unhandledRejection'] as const;
type Listener = (...args: unknown[]) => void;
type ProcessLike = {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): unknown;
};

/** The Node process, or undefined in browsers and workers without one. */
function nodeProcess(): ProcessLike | undefined {
  const candidate = (globalThis as { process?: Partial<ProcessLike> }).process;
  return typeof candidate?.listeners === 'function' && typeof candidate.removeListener === 'function'
    ? (candidate as ProcessLike)
    : undefined;
}

/** The glue's two handlers, by their source (plain and minified builds of tfjs-backend-wasm 4.x). */
export function isEmscriptenCrashHandler(listener: Listener): boolean {
  const source = Function.prototype.toString.call(listener).replace(/\s+/g, ' ');
  if (source.length > 200) return false;
  if (/instanceof ExitStatus/.test(source)) return true;
  // function (reason) { throw reason; }  or  function(e){throw e}  or  (e) => { throw e; }
  const rethrow =
    /^(?:function\s*\(\s*(\w+)\s*\)|\(?\s*(\w+)\s*\)?\s*=>)\s*\{\s*throw\s+(\w+)\s*;?\s*\}$/.exec(source);
  return rethrow !== null && (rethrow[1] ?? rethrow[2]) === rethrow[3];
}

/** The current `uncaughtException` / `unhandledRejection` listeners, to diff against after init. */
export function snapshotCrashHandlers(): ReadonlyMap<string, readonly Listener[]> | undefined {
  const host = nodeProcess();
  if (!host) return undefined;
  return new Map(events.map((event) => [event, [...host.listeners(event)]]));
}

/**
 * Removes the glue's handlers: those added since `before` (a snapshot taken just before the wasm
 * backend initialised) that look like the glue's, or, without a snapshot, every listener that looks like
 * the glue's. Handlers of the application are never touched. Returns how many were removed.
 */
export function releaseCrashHandlers(before?: ReadonlyMap<string, readonly Listener[]>): number {
  const host = nodeProcess();
  if (!host) return 0;
  let removed = 0;
  for (const event of events) {
    const earlier = before?.get(event) ?? [];
    for (const listener of host.listeners(event)) {
      if (earlier.includes(listener) || !isEmscriptenCrashHandler(listener)) continue;
      host.removeListener(event, listener);
      removed++;
    }
  }
  return removed;
}
