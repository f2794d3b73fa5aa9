import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { fetchRepoFiles, HubError } from '@icd/hub';
import { type FakeHub, MemoryCache, startFakeHub } from '@icd/hub/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptForClassification as BrowserPromptForClassification } from '../model/prompt-for-classification.js';
import { promptModelFromFiles } from '../model/prompt-model-files.js';
import { MixedTemplate } from '../templates/mixed-template.js';
import { ManualVerbalizer } from '../verbalizers/manual-verbalizer.js';
import { PromptForClassification, savePromptModel } from './prompt-model-folder.js';

// A prompt model saved by savePromptModel, pushed to a (fake) Hub repo as is, loads by its id.
const notes = ['acute myocardial infarction with chest pain', 'fever cough pneumonia', 'heart failure'];
let hub: FakeHub;
let model: BrowserPromptForClassification;
let expected: number[][];
const roots: string[] = [];
const temporary = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'icd-prompt-hub-'));
  roots.push(dir);
  return dir;
};

async function filesOf(dir: string): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path).split('\\').join('/')] = new Uint8Array(await readFile(path));
  }
  return out;
}

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  const plm = createTinyBert({ seed: 5 });
  const tokenizer = plm.tokenizer!;
  const template = new MixedTemplate({
    tokenizer,
    model: plm,
    text: '{"placeholder":"text_a"} {"soft": "the patient"} has {"mask"} .',
    maxLength: 32,
    seed: 3,
  });
  const verbalizer = new ManualVerbalizer({
    tokenizer,
    labelWords: { I21: ['infarction'], J18: ['pneumonia', 'cough'], I50: ['failure'] },
  });
  model = new BrowserPromptForClassification({ template, plm, verbalizer });
  expected = (await model.predictProbabilities(notes)).map((row) => Array.from(row));
  const folder = await temporary();
  await savePromptModel(model, folder);
  const files = await filesOf(folder);
  hub = await startFakeHub({
    'org/cardiology-prompt': {
      files: { ...files, 'plm/pytorch_model.bin': 'a pickle', 'README.md': '# card' },
    },
    'org/not-a-prompt': { files: { 'config.json': '{}' } },
  });
});
afterAll(async () => {
  model.dispose();
  await hub.close();
  for (const dir of roots) await rm(dir, { recursive: true, force: true });
});

describe('PromptForClassification.load with a Hub id', () => {
  it('fetches prompt.json, prompt.safetensors and plm/ (not the pickle) and predicts as the saved model', async () => {
    const cacheDir = await temporary();
    const loaded = await PromptForClassification.load('org/cardiology-prompt', {
      endpoint: hub.endpoint,
      cacheDir,
    });
    expect(loaded).toBeInstanceOf(PromptForClassification);
    expect((await loaded.predictProbabilities(notes)).map((row) => Array.from(row))).toEqual(expected);
    loaded.dispose();
    expect(hub.requests.some((r) => r.path.endsWith('.bin') || r.path.endsWith('README.md'))).toBe(false);
    const count = hub.requests.length;
    const offline = await PromptForClassification.load('org/cardiology-prompt', {
      endpoint: hub.endpoint,
      cacheDir,
      localFilesOnly: true,
    });
    expect(hub.requests.length).toBe(count);
    expect((await offline.predictProbabilities(notes)).map((row) => Array.from(row))).toEqual(expected);
    offline.dispose();
  });

  it('a repo without prompt.json is a notFound HubError naming the file', async () => {
    const error = await PromptForClassification.load('org/not-a-prompt', {
      endpoint: hub.endpoint,
      cacheDir: await temporary(),
    }).catch((e) => e);
    expect(HubError.isInstance(error) && error.reason).toBe('notFound');
    expect(error.file).toBe('prompt.json');
  });
});

describe('a prompt model by Hub id in a browser (main entry: fetchRepoFiles + promptModelFromFiles)', () => {
  it('fetches the prompt files over fetch into a Cache API cache and predicts as the saved model', async () => {
    const { files } = await fetchRepoFiles('org/cardiology-prompt', {
      endpoint: hub.endpoint,
      cache: new MemoryCache(),
      allowPatterns: ['prompt.json', 'prompt.safetensors', 'plm/'],
      required: ['prompt.json', 'prompt.safetensors'],
    });
    expect(Object.keys(files).some((name) => name.endsWith('.bin'))).toBe(false);
    const loaded = await promptModelFromFiles(files);
    expect((await loaded.predictProbabilities(notes)).map((row) => Array.from(row))).toEqual(expected);
    loaded.dispose();
  });
});
