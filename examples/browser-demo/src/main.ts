/**
 * The page: a note box, a ranked code list with descriptions, scores and the thresholds applied,
 * evidence highlighted in the note for the selected code (negated mentions marked as such), and
 * "Copy as FHIR" (the pipeline's FHIR R4 Conditions, the same as `icd predict --format fhir`). The
 * model runs in a Web Worker; nothing the user types leaves the page.
 */
import type { CodePrediction, NotePrediction } from '@icd/core';
import { toFhirBundle } from '@icd/pipeline';
// onnxruntime-web's wasm binary, emitted by Vite with a content hash (served by the app, never a CDN).
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { highlightSegments } from './highlight-spans.js';
import { candidateLabels, type FromWorker, type NegatedMention, type ToWorker } from './messages.js';
import { keepLoadedResources } from './offline-cache.js';
import { sampleNote } from './sample-note.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const noteInput = $<HTMLTextAreaElement>('note');
const patientInput = $<HTMLInputElement>('patient');
const codeButton = $<HTMLButtonElement>('code');
const fhirButton = $<HTMLButtonElement>('copy-fhir');
const statusText = $('status-text');
const progress = $<HTMLProgressElement>('progress');
const backendLine = $('backend');
const thresholdLine = $('threshold');
const codeList = $<HTMLOListElement>('codes');
const evidenceFor = $('evidence-for');
const noteView = $('note-view');
const fhirView = $('fhir');

interface DemoState {
  ready: boolean;
  backend?: string;
  loadMs?: number;
  trials?: readonly { backend: string; ms?: number; loadMs?: number; error?: string }[];
  modelVersion?: string;
  displays: Record<string, string>;
  lastText?: string;
  lastResult?: { prediction: NotePrediction; negated: readonly NegatedMention[]; ms: number };
  selected?: string;
  errors: string[];
}
const state: DemoState = { ready: false, displays: {}, errors: [] };
// For the end-to-end test (and the curious): the page's state, never sent anywhere.
(window as unknown as { icdDemo: DemoState }).icdDemo = state;

const worker = new Worker(new URL('./coding-worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);
let nextRequest = 1;

function setStatus(text: string, fraction?: number): void {
  statusText.textContent = text;
  progress.hidden = fraction === undefined;
  if (fraction !== undefined) progress.value = fraction;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (message.type === 'progress') {
    setStatus(message.message, message.total > 0 ? message.done / message.total : undefined);
  } else if (message.type === 'ready') {
    state.ready = true;
    state.backend = message.backend;
    state.loadMs = message.loadMs;
    state.displays = { ...message.displays };
    state.trials = message.trials;
    state.modelVersion = message.modelVersion;
    const label = (name: string) => candidateLabels[name] ?? name;
    const tried = message.trials
      .map((trial) =>
        trial.ms !== undefined
          ? `${label(trial.backend)} ${trial.ms.toFixed(0)} ms`
          : `${label(trial.backend)} unavailable (${trial.error ?? 'failed'})`,
      )
      .join('; ');
    const chosen =
      message.backend === 'ort-wasm'
        ? 'onnxruntime-web wasm (the encoder; the head on tfjs wasm)'
        : label(message.backend);
    backendLine.textContent =
      `Running on ${chosen}: the fastest on a short calibration note (${tried}). ` +
      `Model loaded in ${(message.loadMs / 1000).toFixed(1)} s: ${message.modelName}.`;
    setStatus('Ready. The note stays on this device.');
    codeButton.disabled = false;
    void keepLoadedResources({ location, modelUrl }).catch(() => undefined);
  } else if (message.type === 'result') {
    state.lastResult = { prediction: message.prediction, negated: message.negated, ms: message.ms };
    setStatus(`Coded in ${message.ms.toFixed(0)} ms.`);
    codeButton.disabled = false;
    fhirButton.disabled = false;
    render(message.prediction, message.negated);
  } else {
    state.errors.push(message.message);
    setStatus(`Error: ${message.message}`);
    codeButton.disabled = !state.ready;
  }
};

function render(prediction: NotePrediction, negated: readonly NegatedMention[]): void {
  codeList.replaceChildren();
  const predicted = prediction.ranked.filter((code) => code.predicted);
  const thresholds = [...new Set(prediction.ranked.map((code) => code.threshold.toFixed(3)))];
  thresholdLine.textContent =
    `${predicted.length} code${predicted.length === 1 ? '' : 's'} at or above ` +
    `${thresholds.length === 1 ? `the threshold ${thresholds[0]}` : 'their per-code thresholds'}; every code is ranked below.`;
  for (const code of prediction.ranked) {
    const item = document.createElement('li');
    item.className = code.predicted ? 'predicted' : 'not-predicted';
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.code = code.code;
    button.setAttribute('aria-pressed', 'false');
    const name = document.createElement('span');
    const id = document.createElement('span');
    id.className = 'code-id';
    id.textContent = code.code;
    name.append(id, ` ${state.displays[code.code] ?? ''}`);
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = `${code.score.toFixed(3)} ${code.predicted ? '≥' : '<'} ${code.threshold.toFixed(3)}`;
    button.append(name, score);
    button.setAttribute(
      'aria-label',
      `${code.code} ${state.displays[code.code] ?? ''}, score ${code.score.toFixed(3)}, ${code.predicted ? 'predicted' : 'below threshold'}`,
    );
    button.addEventListener('click', () => select(code, negated));
    item.append(button);
    codeList.append(item);
  }
  const first = predicted[0] ?? prediction.ranked[0];
  if (first) select(first, negated);
}

function select(code: CodePrediction, negated: readonly NegatedMention[]): void {
  state.selected = code.code;
  for (const button of codeList.querySelectorAll('button'))
    button.setAttribute('aria-pressed', String(button.dataset.code === code.code));
  const text = state.lastText ?? '';
  const spans = highlightSegments(
    [
      ...code.evidence.map((span) => ({ start: span.start, end: span.end, negated: Boolean(span.negated) })),
      ...negated
        .filter((mention) => mention.code === code.code)
        .map((mention) => ({ start: mention.start, end: mention.end, negated: true })),
    ],
    text.length,
  );
  const parts: Node[] = [];
  let at = 0;
  for (const span of spans) {
    parts.push(document.createTextNode(text.slice(at, span.start)));
    const mark = document.createElement('mark');
    if (span.negated) mark.className = 'negated';
    mark.textContent = text.slice(span.start, span.end);
    parts.push(mark);
    at = span.end;
  }
  parts.push(document.createTextNode(text.slice(at)));
  noteView.replaceChildren(...parts);
  const sources = [...new Set(code.evidence.map((span) => span.source))].join(', ') || 'none';
  evidenceFor.textContent = `${code.code} ${state.displays[code.code] ?? ''}: ${code.evidence.length} passage(s) (source: ${sources})${
    spans.some((span) => span.negated) ? '; struck-through mentions are negated' : ''
  }.`;
}

function fhirJson(): string {
  const result = state.lastResult;
  if (!result) return '';
  const bundle = toFhirBundle(result.prediction, {
    patientReference: patientInput.value.trim(),
    codeTable: new Map(Object.entries(state.displays)),
  });
  return JSON.stringify(bundle, null, 2);
}

codeButton.addEventListener('click', () => {
  const text = noteInput.value;
  if (text.trim().length === 0) {
    setStatus('Paste a note first.');
    noteInput.focus();
    return;
  }
  state.lastText = text;
  codeButton.disabled = true;
  send({ type: 'code', requestId: nextRequest++, text });
});

fhirButton.addEventListener('click', async () => {
  try {
    const json = fhirJson();
    fhirView.textContent = json;
    await navigator.clipboard?.writeText(json).catch(() => undefined);
    setStatus('FHIR R4 Conditions copied (and shown below).');
  } catch (error) {
    setStatus(`Cannot write FHIR: ${String((error as Error)?.message ?? error)}`);
  }
});

noteInput.value = sampleNote;
const base = new URL(import.meta.env.BASE_URL, location.href);
const modelUrl = new URL('model/', base).toString();
// `?backends=wasm,ort-wasm` limits the candidates tried (the check forces ort-wasm; the benchmark
// measures them one at a time). Names: webgpu, webgl, wasm (tfjs), ort-wasm (onnxruntime-web).
const backends = new URLSearchParams(location.search).get('backends')?.split(',').filter(Boolean);
send({
  type: 'load',
  modelUrl,
  wasmPaths: new URL('wasm/', base).toString(),
  ortWasmUrl: new URL(ortWasmUrl, location.href).toString(),
  ...(backends && backends.length > 0 ? { backends } : {}),
});

// Offline after the first visit: the service worker keeps the page and its assets.
if ('serviceWorker' in navigator)
  navigator.serviceWorker.register(new URL('sw.js', base)).catch(() => undefined);
