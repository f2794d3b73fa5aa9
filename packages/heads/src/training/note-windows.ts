import type { Encoder, TokenizerLike } from '@icd/core';
import { assertInteger, invalidArgument } from '@icd/core';
import { windowsOf } from '@icd/pooling';

/**
 * How a note is cut into encoder windows (PLM-ICD's segment pooling: the windows' token states are
 * concatenated, so a head reads the whole note at once).
 *
 * @example
 * ```ts
 * const options: WindowOptions = { windowLength: 512, stride: 0, maxWindows: 8 };
 * ```
 */
export interface WindowOptions {
  /** Tokens per window, `[CLS]`/`[SEP]` included (default `min(512, encoder.info.maxPositionEmbeddings)`). */
  readonly windowLength?: number;
  /** Tokens shared by consecutive windows (HF `stride`; default 0: windows side by side). */
  readonly stride?: number;
  /** Keep at most this many windows of a note (default: all of them). */
  readonly maxWindows?: number;
}

/**
 * The resolved {@link WindowOptions} of a coder or a cache.
 *
 * @example
 * ```ts
 * const settings: WindowSettings = { windowLength: 64, stride: 0, maxWindows: undefined };
 * ```
 */
export interface WindowSettings {
  readonly windowLength: number;
  readonly stride: number;
  readonly maxWindows: number | undefined;
}

/**
 * A note tokenized into windows, all windows' real tokens concatenated (no padding).
 *
 * @example
 * ```ts
 * const windows = noteWindows(tokenizer, note.text, settings);
 * windows.offsets[2 * t]; // where token t starts in the note (0 for [CLS]/[SEP])
 * ```
 */
export interface NoteWindows {
  /** Token ids of every window, one after another. */
  readonly ids: Int32Array;
  readonly typeIds: Int32Array;
  /** `[start, end)` character offsets into the note of every token (2 per token; `0, 0` for specials). */
  readonly offsets: Int32Array;
  /** Where window k starts in the concatenation; `windowStarts[windowCount]` is the token count. */
  readonly windowStarts: Int32Array;
  readonly windowCount: number;
}

/** Resolves and checks window options against an encoder's positions. */
export function resolveWindowSettings(
  fn: string,
  encoder: Pick<Encoder, 'info'>,
  options: WindowOptions,
): WindowSettings {
  const windowLength = options.windowLength ?? Math.min(512, encoder.info.maxPositionEmbeddings);
  assertInteger(fn, 'windowLength', windowLength, { min: 3, max: encoder.info.maxPositionEmbeddings });
  const stride = options.stride ?? 0;
  assertInteger(fn, 'stride', stride, { min: 0, max: windowLength - 3 });
  if (options.maxWindows !== undefined) assertInteger(fn, 'maxWindows', options.maxWindows, { min: 1 });
  return { windowLength, stride, maxWindows: options.maxWindows };
}

/**
 * Tokenizes a note into windows of `windowLength` tokens sharing `stride` tokens (the tokenizer's
 * overflowing windows) and concatenates their real tokens, keeping each token's character offsets.
 *
 * @example
 * ```ts
 * const windows = noteWindows(tokenizer, 'chest pain and fever', { windowLength: 4, stride: 0, maxWindows: undefined });
 * windows.windowCount; // 2: [CLS] chest pain [SEP] | [CLS] and fever [SEP]
 * ```
 */
export function noteWindows(tokenizer: TokenizerLike, text: string, settings: WindowSettings): NoteWindows {
  if (typeof text !== 'string') invalidArgument('noteWindows', 'text', 'a string', text);
  const encoding = tokenizer.encode(text, null, {
    maxLength: settings.windowLength,
    truncation: true,
    stride: settings.stride,
    returnOverflowing: true,
  });
  let windows = windowsOf(encoding);
  if (settings.maxWindows !== undefined) windows = windows.slice(0, settings.maxWindows);
  let total = 0;
  for (const window of windows)
    for (let column = 0; column < window.ids.length; column++)
      if ((window.attentionMask[column] ?? 1) === 1) total++;
  const ids = new Int32Array(total);
  const typeIds = new Int32Array(total);
  const offsets = new Int32Array(2 * total);
  const windowStarts = new Int32Array(windows.length + 1);
  let token = 0;
  windows.forEach((window, index) => {
    windowStarts[index] = token;
    for (let column = 0; column < window.ids.length; column++) {
      if ((window.attentionMask[column] ?? 1) !== 1) continue;
      ids[token] = window.ids[column] as number;
      typeIds[token] = window.typeIds[column] ?? 0;
      const offset = window.offsets[column];
      const special = (window.specialTokensMask[column] ?? 0) === 1;
      offsets[2 * token] = special || !offset ? 0 : offset[0];
      offsets[2 * token + 1] = special || !offset ? 0 : offset[1];
      token++;
    }
  });
  windowStarts[windows.length] = token;
  return { ids, typeIds, offsets, windowStarts, windowCount: windows.length };
}

/** Resolves on a later turn of the event loop (a macrotask; browser-safe, unlike `setImmediate`). */
export const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Runs `encoder.encode` over the windows of several notes, `batchSize` windows per call (padded to the
 * longest in the call), and returns each note's concatenated `[tokens, hidden]` states.
 */
export async function encodeNoteWindows(
  encoder: Encoder,
  notes: readonly NoteWindows[],
  {
    batchSize,
    padTokenId,
    signal,
  }: { batchSize: number; padTokenId: number; signal?: AbortSignal | undefined },
): Promise<Float32Array[]> {
  const width = encoder.info.hiddenSize;
  const states = notes.map(
    (note) => new Float32Array((note.windowStarts[note.windowCount] as number) * width),
  );
  const all: { note: number; window: number }[] = [];
  notes.forEach((note, index) => {
    for (let window = 0; window < note.windowCount; window++) all.push({ note: index, window });
  });
  for (let first = 0; first < all.length; first += batchSize) {
    // A turn of the event loop between encoder calls: tfjs' CPU and WASM backends resolve at once, so
    // without it a timer (a request timeout's AbortSignal) could not fire during a long note.
    if (first > 0 && signal) await nextTurn();
    signal?.throwIfAborted();
    const group = all.slice(first, first + batchSize);
    const spans = group.map(({ note, window }) => {
      const starts = notes[note]!.windowStarts;
      return [starts[window] as number, starts[window + 1] as number] as const;
    });
    const length = Math.max(...spans.map(([from, to]) => to - from));
    const shape = [group.length, length];
    const inputIds = new Int32Array(group.length * length).fill(padTokenId);
    const attentionMask = new Int32Array(group.length * length);
    const tokenTypeIds = new Int32Array(group.length * length);
    group.forEach(({ note }, row) => {
      const [from, to] = spans[row]!;
      const source = notes[note]!;
      inputIds.set(source.ids.subarray(from, to), row * length);
      tokenTypeIds.set(source.typeIds.subarray(from, to), row * length);
      attentionMask.fill(1, row * length, row * length + to - from);
    });
    const { lastHiddenState } = await encoder.encode({
      inputIds: { data: inputIds, shape },
      attentionMask: { data: attentionMask, shape },
      tokenTypeIds: { data: tokenTypeIds, shape },
    });
    const hidden = lastHiddenState.data;
    group.forEach(({ note }, row) => {
      const [from, to] = spans[row]!;
      states[note]!.set(
        hidden.subarray(row * length * width, (row * length + to - from) * width),
        from * width,
      );
    });
  }
  return states;
}

/** The tokenizer's `[PAD]` id (0 when it has none). */
export function padTokenIdOf(tokenizer: TokenizerLike): number {
  return tokenizer.tokenToId(tokenizer.specialTokens.pad) ?? 0;
}
