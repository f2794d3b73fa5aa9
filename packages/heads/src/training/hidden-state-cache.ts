import type { Encoder, TokenizerLike } from '@icd/core';
import { assertInteger, invalidArgument } from '@icd/core';
import {
  encodeNoteWindows,
  type NoteWindows,
  noteWindows,
  padTokenIdOf,
  resolveWindowSettings,
  type WindowOptions,
  type WindowSettings,
} from './note-windows.js';

/**
 * A note whose encoder states were computed once by {@link cacheHiddenStates}: every window's real
 * tokens concatenated, as compact typed arrays (no live tensors), with their character offsets for
 * evidence. It is also a training example of `trainHead` (`{ states, codes }`).
 *
 * @example
 * ```ts
 * const [first] = (await cacheHiddenStates(encoder, tokenizer, notes)).notes;
 * first.states.length; // tokens × hiddenSize
 * ```
 */
export interface CachedNote {
  readonly id: string;
  readonly text: string;
  /** The note's gold codes (empty when the input had none). */
  readonly codes: readonly string[];
  readonly windows: NoteWindows;
  /** `[tokens, hiddenSize]` last hidden states, row-major. */
  readonly states: Float32Array;
  readonly hiddenSize: number;
}

/**
 * What {@link cacheHiddenStates} returns: the cached notes and the settings they were encoded with.
 *
 * @example
 * ```ts
 * const cache: HiddenStateCache = await cacheHiddenStates(encoder, tokenizer, train, { windowLength: 128 });
 * cache.bytes / 2 ** 20; // MiB of states held
 * ```
 */
export interface HiddenStateCache {
  readonly notes: readonly CachedNote[];
  readonly hiddenSize: number;
  readonly settings: WindowSettings;
  /** Bytes held by the states. */
  readonly bytes: number;
}

/**
 * Options of {@link cacheHiddenStates}.
 *
 * @example
 * ```ts
 * const options: CacheHiddenStatesOptions = { windowLength: 128, stride: 0, batchSize: 16 };
 * ```
 */
export interface CacheHiddenStatesOptions extends WindowOptions {
  /** Windows per encoder call (default 8). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Called after each note group with the notes done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * A note to cache: `{ id?, text, codes? }` (a `ClinicalNote` is one).
 *
 * @example
 * ```ts
 * const note: CacheableNote = { id: 'n1', text: 'Acute myocardial infarction.', codes: ['I21.9'] };
 * ```
 */
export interface CacheableNote {
  readonly id?: string;
  readonly text: string;
  readonly codes?: readonly string[];
}

/**
 * Frozen-encoder training: encodes every note ONCE (all windows of a long note, see
 * `WindowOptions`) with any `Encoder` (`@icd/bert`'s BERT, the ONNX encoder) and keeps the states as
 * `Float32Array`s, so a head then trains for many epochs without running the encoder again — minutes
 * on a CPU instead of hours. Memory: tokens × hiddenSize × 4 bytes per note (`bytes`).
 *
 * @example
 * ```ts
 * const cache = await cacheHiddenStates(bert, tokenizer, trainNotes, { windowLength: 128 });
 * await trainHead(head, cache.notes, { epochs: 20 });
 * ```
 */
export async function cacheHiddenStates(
  encoder: Encoder,
  tokenizer: TokenizerLike,
  notes: readonly CacheableNote[],
  options: CacheHiddenStatesOptions = {},
): Promise<HiddenStateCache> {
  const fn = 'cacheHiddenStates';
  if (!encoder || typeof encoder.encode !== 'function' || !encoder.info)
    invalidArgument(fn, 'encoder', 'an Encoder', encoder);
  if (!tokenizer || typeof tokenizer.encode !== 'function')
    invalidArgument(fn, 'tokenizer', 'a TokenizerLike', tokenizer);
  if (!Array.isArray(notes)) invalidArgument(fn, 'notes', 'an array of { text, codes? }', notes);
  notes.forEach((note, index) => {
    if (note === null || typeof note !== 'object' || typeof note.text !== 'string')
      invalidArgument(fn, `notes[${index}]`, 'a { text: string, codes?: string[] }', note);
    if (note.codes !== undefined && !Array.isArray(note.codes))
      invalidArgument(fn, `notes[${index}].codes`, 'an array of codes', note.codes);
  });
  const batchSize = options.batchSize ?? 8;
  assertInteger(fn, 'batchSize', batchSize, { min: 1 });
  const settings = resolveWindowSettings(fn, encoder, options);
  const padTokenId = padTokenIdOf(tokenizer);
  const hiddenSize = encoder.info.hiddenSize;
  const cached: CachedNote[] = [];
  let bytes = 0;
  // Notes are encoded a few at a time so that windows of short notes share encoder calls.
  const group = Math.max(1, batchSize);
  for (let first = 0; first < notes.length; first += group) {
    options.signal?.throwIfAborted();
    const slice = notes.slice(first, first + group);
    const windows = slice.map((note) => noteWindows(tokenizer, note.text, settings));
    const states = await encodeNoteWindows(encoder, windows, {
      batchSize,
      padTokenId,
      signal: options.signal,
    });
    slice.forEach((note, index) => {
      const state = states[index]!;
      bytes += state.byteLength;
      cached.push({
        id: note.id ?? String(first + index),
        text: note.text,
        codes: note.codes ? [...note.codes] : [],
        windows: windows[index]!,
        states: state,
        hiddenSize,
      });
    });
    options.onProgress?.(cached.length, notes.length);
  }
  return { notes: cached, hiddenSize, settings, bytes };
}
