import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { RecordingCoder, trainTestCoder } from '../test-support/test-coders.js';
import { serve } from './serve.js';

describe('serve', () => {
  it('loads the model, listens, answers, and closes gracefully on a signal', async () => {
    const coder = new RecordingCoder(trainTestCoder(), { delayMs: 200 });
    const running = await serve({ coder: () => coder, port: 0, signals: ['SIGUSR2'] });
    expect((await fetch(`${running.url}/ready`)).status).toBe(200);
    const inFlight = fetch(`${running.url}/v1/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Essential hypertension.' }),
    });
    while (coder.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    process.emit('SIGUSR2', 'SIGUSR2');
    const response = await inFlight;
    expect(response.status).toBe(200);
    await running.closed;
    expect(coder.disposed).toBe(1);
    expect(process.listenerCount('SIGUSR2')).toBe(0);
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  });

  it('checks the port', async () => {
    await expect(serve({ coder: trainTestCoder(), port: 70_000, signals: [] })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
