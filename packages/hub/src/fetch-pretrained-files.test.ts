import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPretrainedFiles, fetchRepoFiles } from './fetch-pretrained-files.js';
import { HubError } from './hub-error.js';
import { type FakeHub, startFakeHub } from './test/fake-hub.js';
import { MemoryCache } from './test/memory-cache.js';

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub({
    'org/tiny': { files: { 'config.json': '{}', 'model.safetensors': 'weights', 'vocab.txt': '[PAD]\n' } },
    'org/pickle': {
      files: { 'config.json': '{}', 'pytorch_model.bin': 'x' },
      pullRequests: { 'refs/pr/7': { 'config.json': '{}', 'model.safetensors': 'converted' } },
    },
    'org/gated': { files: { 'config.json': '{}' }, gated: true },
    'org/prompt': {
      files: {
        'prompt.json': '{}',
        'prompt.safetensors': 'soft',
        'plm/config.json': '{}',
        'plm/model.safetensors': 'w',
        'plm/pytorch_model.bin': 'pickle',
        'README.md': '#',
      },
    },
  });
});
afterAll(() => hub.close());

describe('fetchPretrainedFiles (browser entry)', () => {
  it('fetches config, weights and tokenizer files once, then serves them from the Cache API, offline too', async () => {
    const cache = new MemoryCache();
    const options = { endpoint: hub.endpoint, cache, include: ['model', 'tokenizer'] as const };
    const first = await fetchPretrainedFiles('org/tiny', options);
    expect(first.commit).toBe(hub.commitOf('org/tiny'));
    expect(Object.keys(first.files).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    expect(new TextDecoder().decode(first.files['model.safetensors'])).toBe('weights');
    const count = hub.requests.length;
    const again = await fetchPretrainedFiles('org/tiny', { ...options, localFilesOnly: true });
    expect(again.files).toEqual(first.files);
    expect(hub.requests.length).toBe(count);
    await expect(
      fetchPretrainedFiles('org/tiny', { ...options, cache: new MemoryCache(), localFilesOnly: true }),
    ).rejects.toMatchObject({ reason: 'notCached' });
  });

  it('typed errors: gated (401), missing (404), pickle-only (unsupported)', async () => {
    const options = { endpoint: hub.endpoint, cache: false as const, include: ['model'] as const };
    const errors = await Promise.all(
      ['org/gated', 'org/none', 'org/pickle'].map((id) => fetchPretrainedFiles(id, options).catch((e) => e)),
    );
    expect(errors.map((e) => HubError.isInstance(e) && e.reason)).toEqual([
      'gated',
      'notFound',
      'unsupported',
    ]);
    // the Hub's safetensors conversion is named, and loads
    expect(errors[2].message).toMatch(/revision: 'refs\/pr\/7'/);
    const converted = await fetchPretrainedFiles('org/pickle', { ...options, revision: 'refs/pr/7' });
    expect(new TextDecoder().decode(converted.files['model.safetensors'])).toBe('converted');
    const withToken = await fetchPretrainedFiles('org/gated', {
      ...options,
      include: [] as const,
      token: hub.token,
    });
    expect(withToken.commit).toBe(hub.commitOf('org/gated'));
  });
  it('a connection dropped mid-file: a network HubError, nothing cached, the next call gets the whole file', async () => {
    const cache = new MemoryCache();
    const options = { endpoint: hub.endpoint, cache, include: ['model'] as const };
    // last in this block: dropNext also arms the cut for org/pickle's refs/pr/7 model.safetensors
    hub.dropNext('model.safetensors', 3);
    const error = await fetchPretrainedFiles('org/tiny', options).catch((e: unknown) => e);
    expect(HubError.isInstance(error) && error.reason).toBe('network');
    const again = await fetchPretrainedFiles('org/tiny', options);
    expect(new TextDecoder().decode(again.files['model.safetensors'])).toBe('weights');
  });
});

describe('fetchRepoFiles (browser entry)', () => {
  it('fetches the files the patterns name (never the default-ignored pickle), once; required files must exist', async () => {
    const cache = new MemoryCache();
    let calls = 0;
    const counting: typeof fetch = (url, init) => {
      calls++;
      return fetch(url, init);
    };
    const options = { endpoint: hub.endpoint, cache, fetch: counting, allowPatterns: ['prompt.*', 'plm/'] };
    const { files, commit } = await fetchRepoFiles('org/prompt', { ...options, required: ['prompt.json'] });
    expect(commit).toBe(hub.commitOf('org/prompt'));
    expect(Object.keys(files).sort()).toEqual([
      'plm/config.json',
      'plm/model.safetensors',
      'prompt.json',
      'prompt.safetensors',
    ]);
    expect(new TextDecoder().decode(files['prompt.safetensors'])).toBe('soft');
    const made = calls;
    const again = await fetchRepoFiles('org/prompt', { ...options, localFilesOnly: true });
    expect(calls).toBe(made);
    expect(Object.keys(again.files)).toHaveLength(4);
    const plm = await fetchRepoFiles('org/prompt', {
      ...options,
      allowPatterns: undefined,
      subfolder: 'plm',
    });
    expect(Object.keys(plm.files).sort()).toEqual(['config.json', 'model.safetensors']);
    await expect(
      fetchRepoFiles('org/prompt', { ...options, required: ['head-coder.json'] }),
    ).rejects.toMatchObject({
      reason: 'notFound',
      file: 'head-coder.json',
    });
    await expect(
      fetchRepoFiles('org/prompt', { ...options, allowPatterns: 'prompt.*' as never }),
    ).rejects.toThrow(/allowPatterns/);
  });
});
