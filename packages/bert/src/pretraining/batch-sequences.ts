import { assertInteger } from '@icd/core';
import type { RandomGenerator } from './random-generator.js';
import type { TokenSequence } from './token-sequence.js';

/**
 * Groups a stream of sequences into arrays of `batchSize` (the last one may be shorter unless
 * `dropRemainder`).
 *
 * @example
 * ```ts
 * for await (const sequences of batchSequences(packSequences(documents, tokenizer, { maxLength: 128 }), 8)) {
 *   const batch = collator.collate(sequences);
 * }
 * ```
 */
export async function* batchSequences(
  sequences: AsyncIterable<TokenSequence> | Iterable<TokenSequence>,
  batchSize: number,
  { dropRemainder = false }: { dropRemainder?: boolean } = {},
): AsyncGenerator<TokenSequence[]> {
  assertInteger('batchSequences', 'batchSize', batchSize, { min: 1 });
  let batch: TokenSequence[] = [];
  for await (const sequence of sequences) {
    batch.push(sequence);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0 && !dropRemainder) yield batch;
}

/**
 * Shuffles a stream through a buffer of `bufferSize` items (as `tf.data.Dataset.shuffle`): each output is
 * drawn uniformly from the buffer, which is refilled from the stream. Memory stays bounded by the buffer;
 * a buffer as large as the stream gives a full uniform shuffle.
 *
 * @example
 * ```ts
 * const shuffled = shuffleBuffer(packSequences(documents, tokenizer, { maxLength: 128 }), 1024, new RandomGenerator(1));
 * ```
 */
export async function* shuffleBuffer<T>(
  items: AsyncIterable<T> | Iterable<T>,
  bufferSize: number,
  random: RandomGenerator,
): AsyncGenerator<T> {
  assertInteger('shuffleBuffer', 'bufferSize', bufferSize, { min: 1 });
  const buffer: T[] = [];
  for await (const item of items) {
    if (buffer.length < bufferSize) {
      buffer.push(item);
      continue;
    }
    const index = random.nextInt(bufferSize);
    yield buffer[index]!;
    buffer[index] = item;
  }
  random.shuffle(buffer);
  yield* buffer;
}
