/**
 * The Web Worker that codes notes, so the page never freezes: loads the model folder (through its
 * versioned cache), builds one coder per candidate engine — the tfjs backends this browser has
 * (webgpu, webgl, wasm) and onnxruntime-web's wasm backend (the encoder on ONNX Runtime, the head on
 * tfjs wasm, as Node's `engine: 'onnx'` does) — keeps the fastest on a short calibration note, and
 * answers `code` requests with the pipeline's prediction (codes, scores, thresholds, evidence spans)
 * plus the note's negated mentions of the codes' dictionary terms.
 */
import { type BackendName, selectBackend } from '@icd/bert';
import { TermMatcher } from '@icd/keybert';
import { OnnxEncoder, type OrtModule } from '@icd/onnx';
import { loadModelFolder, type PipelineCoder } from '@icd/pipeline';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  type BackendTrial,
  type CandidateName,
  candidateNames,
  type FromWorker,
  type NegatedMention,
  ONNX_ENCODER_FILE,
  type ToWorker,
} from './messages.js';
import { cachedFetch, dropOtherModelCaches, type FetchedFile, fetchPipelineJson } from './model-cache.js';
import { keepLoadedResources } from './offline-cache.js';

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);
const calibrationNote =
  'Patient with known atrial fibrillation on apixaban, admitted with dyspnoea. Echocardiography shows ' +
  'reduced ejection fraction. No chest pain. Plan: rate control and diuretics.';

let coder: PipelineCoder | undefined;
let matcher: TermMatcher | undefined;
let queue: Promise<void> = Promise.resolve();

/** onnxruntime-web's wasm build, imported on first use (its own chunk) and pointed at the app's copy of its binary. */
async function onnxRuntime(wasmUrl: string): Promise<OrtModule> {
  const ort = await import('onnxruntime-web/wasm');
  // The binary Vite emitted with the app (never a CDN); the loader script is in the bundle (no .mjs).
  ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP + COEP headers).
  ort.env.wasm.numThreads = self.crossOriginIsolated
    ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))
    : 1;
  return ort as unknown as OrtModule;
}

async function load(message: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  const started = performance.now();
  setWasmPaths(message.wasmPaths);
  let done = 0;
  let total = 1;
  const files = new Map<string, Uint8Array>();
  const pipelineUrl = new URL('pipeline.json', message.modelUrl).toString();
  const pipeline = await fetchPipelineJson(pipelineUrl);
  const fetchFile = cachedFetch(pipeline.cacheName, (_url, bytes) => {
    done += 1;
    post({
      type: 'progress',
      phase: 'model',
      done,
      total,
      message: `model file ${done} of ${total} (${(bytes / 1024).toFixed(0)} KiB)`,
    });
  });
  files.set(pipelineUrl, new TextEncoder().encode(pipeline.text));
  // One download of the folder's bytes (through the cache), then one coder per candidate built from them.
  const bytesOf = async (url: string): Promise<Uint8Array> => {
    const known = files.get(url);
    if (known) return known;
    const response = await fetchFile(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    files.set(url, bytes);
    return bytes;
  };
  const folderFetch = async (url: string): Promise<FetchedFile> => {
    const bytes = await bytesOf(url);
    return { ok: true, status: 200, arrayBuffer: async () => bytes.slice().buffer };
  };
  total = ((JSON.parse(pipeline.text).files as string[] | undefined)?.length ?? 0) + 2;
  // The ONNX encoder is not in pipeline.json's list: fetch it into this version's cache too, whichever
  // candidates run now, so that onnxruntime-web works offline later. A folder without one (any folder
  // `icd train` writes) just has no onnxruntime-web candidate.
  const onnxUrl = new URL(ONNX_ENCODER_FILE, message.modelUrl).toString();
  const onnxBytes = bytesOf(onnxUrl);
  onnxBytes.catch(() => undefined);
  const candidates = (message.backends ?? candidateNames).filter((name): name is CandidateName =>
    (candidateNames as readonly string[]).includes(name),
  );
  if (candidates.length === 0) throw new Error(`no known backend in ${JSON.stringify(message.backends)}`);
  // The tfjs backend a candidate's head runs on (onnxruntime-web: the encoder only).
  const tfBackendOf = (name: CandidateName): BackendName => (name === 'ort-wasm' ? 'wasm' : name);
  const build = async (name: CandidateName): Promise<PipelineCoder> => {
    await selectBackend({ backend: tfBackendOf(name) });
    if (name !== 'ort-wasm') return loadModelFolder(new URL(message.modelUrl), { fetch: folderFetch });
    const encoder = await OnnxEncoder.load(await onnxBytes, {
      runtime: await onnxRuntime(message.ortWasmUrl),
      sessionOptions: { executionProviders: ['wasm'] },
    });
    try {
      // The same folder and head code path, with the ONNX encoder in place of encoder/model.safetensors.
      return await loadModelFolder(new URL(message.modelUrl), { fetch: folderFetch, heads: { encoder } });
    } catch (error) {
      encoder.dispose();
      throw error;
    }
  };
  const trials: BackendTrial[] = [];
  let best: { backend: CandidateName; coder: PipelineCoder; ms: number } | undefined;
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
      const t0 = performance.now();
      built = await build(backend);
      const loadMs = performance.now() - t0;
      // The first run warms up (shader compilation, wasm tiers); the second is the one timed.
      await built.predict([{ id: 'calibration', text: calibrationNote }]);
      const t1 = performance.now();
      await built.predict([{ id: 'calibration', text: calibrationNote }]);
      const ms = performance.now() - t1;
      trials.push({ backend, ms, loadMs });
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
    throw new Error(`no backend worked here: ${trials.map((t) => `${t.backend}: ${t.error}`).join('; ')}`);
  await tf.setBackend(tfBackendOf(best.backend));
  coder = best.coder;
  const terms = coder.metadata.evidenceTerms ?? [];
  matcher = terms.length > 0 ? new TermMatcher(terms) : undefined;
  await dropOtherModelCaches(pipeline.cacheName).catch(() => undefined);
  await keepLoadedResources({ location: self.location, modelUrl: message.modelUrl }).catch(() => undefined);
  post({
    type: 'ready',
    backend: best.backend,
    trials,
    loadMs: performance.now() - started,
    modelVersion: pipeline.cacheName,
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
