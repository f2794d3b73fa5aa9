/**
 * The Web Worker that codes notes, so the page never freezes: loads the model folder (through the
 * Cache API), tries each tfjs backend this browser has (webgpu, webgl, wasm), keeps the fastest on a
 * calibration note, and answers `code` requests with the pipeline's prediction (codes, scores,
 * thresholds, evidence spans) plus the note's negated mentions of the codes' dictionary terms.
 */
import { type BackendName, selectBackend } from '@icd/bert';
import { TermMatcher } from '@icd/keybert';
import { loadModelFolder, type PipelineCoder } from '@icd/pipeline';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendTrial, FromWorker, NegatedMention, ToWorker } from './messages.js';
import { cachedFetch } from './model-cache.js';
import { keepLoadedResources } from './offline-cache.js';

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);
const calibrationNote =
  'Patient with known atrial fibrillation on apixaban, admitted with dyspnoea. Echocardiography shows ' +
  'reduced ejection fraction. No chest pain. Plan: rate control and diuretics.';

let coder: PipelineCoder | undefined;
let matcher: TermMatcher | undefined;
let queue: Promise<void> = Promise.resolve();

async function load(message: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  const started = performance.now();
  setWasmPaths(message.wasmPaths);
  let done = 0;
  let total = 1;
  const files = new Map<string, Uint8Array>();
  const fetchFile = cachedFetch((_url, bytes) => {
    done += 1;
    post({
      type: 'progress',
      phase: 'model',
      done,
      total,
      message: `model file ${done} of ${total} (${(bytes / 1024).toFixed(0)} KiB)`,
    });
  });
  // One download of the folder's bytes (through the cache), then one coder per backend built from them.
  const recording = async (url: string) => {
    const response = await fetchFile(url);
    files.set(url, new Uint8Array(await response.arrayBuffer()));
    return response;
  };
  const pipelineUrl = new URL('pipeline.json', message.modelUrl).toString();
  const pipeline = JSON.parse(new TextDecoder().decode(await (await recording(pipelineUrl)).arrayBuffer()));
  total = ((pipeline.files as string[] | undefined)?.length ?? 0) + 1;
  const candidates = (message.backends ?? ['webgpu', 'webgl', 'wasm']) as BackendName[];
  const trials: BackendTrial[] = [];
  let best: { backend: BackendName; coder: PipelineCoder; ms: number } | undefined;
  for (const [index, backend] of candidates.entries()) {
    post({
      type: 'progress',
      phase: 'backend',
      done: index,
      total: candidates.length,
      message: `trying the ${backend} backend`,
    });
    let built: PipelineCoder | undefined;
    try {
      await selectBackend({ backend });
      built = await loadModelFolder(new URL(message.modelUrl), {
        fetch: async (url) => {
          const bytes = files.get(url);
          return bytes
            ? { ok: true, status: 200, arrayBuffer: async () => bytes.slice().buffer }
            : recording(url);
        },
      });
      await built.predict([{ id: 'calibration', text: calibrationNote }]);
      const t0 = performance.now();
      await built.predict([{ id: 'calibration', text: calibrationNote }]);
      const ms = performance.now() - t0;
      trials.push({ backend, ms });
      if (!best || ms < best.ms) {
        best?.coder.dispose();
        best = { backend, coder: built, ms };
      } else built.dispose();
    } catch (error) {
      built?.dispose();
      trials.push({ backend, error: String((error as Error)?.message ?? error) });
    }
  }
  if (!best)
    throw new Error(
      `no tfjs backend worked here: ${trials.map((t) => `${t.backend}: ${t.error}`).join('; ')}`,
    );
  await tf.setBackend(best.backend);
  coder = best.coder;
  const terms = coder.metadata.evidenceTerms ?? [];
  matcher = terms.length > 0 ? new TermMatcher(terms) : undefined;
  await keepLoadedResources(self).catch(() => undefined);
  post({
    type: 'ready',
    backend: best.backend,
    trials,
    loadMs: performance.now() - started,
    labels: coder.labels,
    displays: Object.fromEntries(coder.metadata.codeSet.codes.map((entry) => [entry.code, entry.display])),
    modelName: coder.metadata.name,
  });
}

async function code(message: Extract<ToWorker, { type: 'code' }>): Promise<void> {
  if (!coder) throw new Error('the model is not loaded yet');
  post({ type: 'progress', phase: 'coding', done: 0, total: 1, message: 'coding the note…' });
  const started = performance.now();
  const [prediction] = await coder.predict([{ id: 'note', text: message.text }]);
  const negated: NegatedMention[] = [];
  for (const match of matcher?.match(message.text) ?? []) {
    if (!match.negated) continue;
    for (const entry of match.entries)
      negated.push({ code: entry.code, start: match.start, end: match.end, text: match.text });
  }
  post({
    type: 'result',
    requestId: message.requestId,
    prediction: prediction!,
    negated,
    ms: performance.now() - started,
  });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  // One job at a time, in order: a second note waits for the first.
  queue = queue
    .then(() => (message.type === 'load' ? load(message) : code(message)))
    .catch((error: unknown) =>
      post({
        type: 'error',
        ...(message.type === 'code' ? { requestId: message.requestId } : {}),
        message: String((error as Error)?.message ?? error),
      }),
    );
};
