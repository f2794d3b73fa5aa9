import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { RecordingCoder, trainTestCoder } from '../test-support/test-coders.js';
import { BatcherClosedError, MicroBatcher, QueueFullError } from './micro-batcher.js';

const lexical = trainTestCoder();
const note = (id: string, text = 'hypertension') => ({ id, text });

describe('MicroBatcher', () => {
  it('fills batches up to maxBatchSize, splits larger submissions, keeps each caller’s order', async () => {
    const coder = new RecordingCoder(lexical);
    const batcher = new MicroBatcher(coder, { maxBatchSize: 4, maxWaitMs: 20 });
    const big = Array.from({ length: 6 }, (_, i) => note(`b${i}`));
    const [a, b] = await Promise.all([batcher.submit(big), batcher.submit([note('s0'), note('s1')])]);
    expect(a.map((p) => p.noteId)).toEqual(big.map((n) => n.id));
    expect(b.map((p) => p.noteId)).toEqual(['s0', 's1']);
    expect(coder.calls.map((call) => call.texts.length)).toEqual([4, 4]);
  });

  it('never mixes notes with different predict options in one call', async () => {
    const coder = new RecordingCoder(lexical);
    const batcher = new MicroBatcher(coder, { maxBatchSize: 8, maxWaitMs: 20 });
    const [top1, all] = await Promise.all([
      batcher.submit([note('a'), note('b')], { topK: 1 }),
      batcher.submit([note('c')], {}),
    ]);
    expect(top1.every((p) => p.ranked.length === 1)).toBe(true);
    expect(all[0]!.ranked).toHaveLength(3);
    expect(coder.calls).toHaveLength(2);
    expect(coder.calls.map((call) => call.options.topK)).toEqual([1, undefined]);
  });

  it('an aborted waiter leaves the queue; a running batch stops only when all its callers aborted', async () => {
    const coder = new RecordingCoder(lexical, { delayMs: 300, stepMs: 10 });
    const batcher = new MicroBatcher(coder, { maxBatchSize: 2, maxWaitMs: 0, maxQueue: 10 });
    const first = new AbortController();
    const second = new AbortController();
    const one = batcher.submit([note('1')], {}, first.signal);
    const two = batcher.submit([note('2')], {}, second.signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(coder.calls).toHaveLength(1);
    expect(coder.calls[0]!.texts).toHaveLength(1); // maxWaitMs 0: the first note started alone
    const waiting = new AbortController();
    const three = batcher.submit([note('3')], {}, waiting.signal);
    expect(batcher.depth).toBe(2);
    waiting.abort(new Error('gone'));
    await expect(three).rejects.toThrow('gone');
    expect(batcher.depth).toBe(1);
    first.abort(new Error('first gone'));
    await expect(one).rejects.toThrow('first gone');
    await batcher.idle();
    expect(coder.calls[0]!.aborted).toBe(true);
    expect((await two)[0]!.noteId).toBe('2');
    second.abort();
    expect(coder.calls.map((call) => call.aborted)).toEqual([true, false]);
  });

  it('refuses past maxQueue and after close; close waits for running work', async () => {
    const coder = new RecordingCoder(lexical, { delayMs: 100 });
    const batcher = new MicroBatcher(coder, { maxBatchSize: 1, maxWaitMs: 0, maxQueue: 2 });
    const running = batcher.submit([note('a')]);
    await expect(batcher.submit([note('b'), note('c'), note('d')])).rejects.toBeInstanceOf(QueueFullError);
    const queued = batcher.submit([note('b'), note('c')]);
    await batcher.close();
    expect((await running)[0]!.noteId).toBe('a');
    expect((await queued).map((p) => p.noteId)).toEqual(['b', 'c']);
    await expect(batcher.submit([note('e')])).rejects.toBeInstanceOf(BatcherClosedError);
  });

  it('a failing predict rejects every caller of its batch', async () => {
    const batcher = new MicroBatcher(
      {
        labels: ['A'],
        predict: async () => {
          throw new Error('engine down');
        },
        dispose() {},
      },
      { maxWaitMs: 5 },
    );
    const results = await Promise.allSettled([batcher.submit([note('a')]), batcher.submit([note('b')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('checks its options', () => {
    expect(() => new MicroBatcher(lexical, { maxBatchSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => new MicroBatcher(lexical, { maxWaitMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => new MicroBatcher(lexical, { concurrency: 1.5 })).toThrow(InvalidArgumentError);
  });
});
