import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeSetFromTable } from '../../model-folder/code-set.js';
import { HASHES, tinyIcd10CmTable } from '../../model-folder/test-fixtures.test-helper.js';
import { saveModelFolder } from '../../node/model-folder-dir.js';
import { hasRedisServer, startRedis, type TestRedis } from '../../test-support/redis-server.js';
import { trainTestCoder } from '../../test-support/test-coders.js';
import { runCli } from '../run-cli.js';

// `icd serve` and `icd batch` end to end through the CLI, on a saved model folder.

let dir: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icd-cli-serve-'));
  model = join(dir, 'model');
  const coder = trainTestCoder();
  await saveModelFolder(model, coder, {
    name: 'tiny-lexical',
    codeSet: codeSetFromTable(coder.labels, tinyIcd10CmTable()),
    hashes: HASHES,
  });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('icd serve', () => {
  it('serves a model folder (JSON and FHIR) until interrupted', async () => {
    const stdout = sink();
    const stderr = sink();
    const controller = new AbortController();
    const exit = runCli(['serve', '--model', model, '--port', '0', '--json'], {
      stdout,
      stderr,
      signal: controller.signal,
    });
    while (!stdout.text().includes('\n')) await new Promise((resolve) => setTimeout(resolve, 20));
    const { url, labels } = JSON.parse(stdout.text()) as { url: string; labels: number };
    expect(labels).toBe(3);
    const post = (query: string, body: object) =>
      fetch(`${url}/v1/code${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const coded = (await (await post('', { text: 'Atrial fibrillation on apixaban.' })).json()) as {
      predictions: { codes: string[] }[];
    };
    expect(coded.predictions[0]!.codes).toContain('I48.91');
    const fhir = (await (
      await post('?format=fhir', { text: 'Atrial fibrillation.', patient: 'Patient/9' })
    ).json()) as {
      entry: { resource: { code: { coding: { display: string }[] } } }[];
    };
    expect(fhir.entry[0]!.resource.code.coding[0]!.display).toBe('Unspecified atrial fibrillation');
    controller.abort();
    expect(await exit).toBe(130);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('exits 2 without --model', async () => {
    const stderr = sink();
    expect(await runCli(['serve'], { stdout: sink(), stderr })).toBe(2);
    expect(stderr.text()).toContain('--model');
  });
});

describe.skipIf(!hasRedisServer)('icd batch', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('enqueue then work --exit-when-drained: one result per note; a second run writes nothing new', async () => {
    const notes = join(dir, 'notes.jsonl');
    await writeFile(
      notes,
      Array.from({ length: 30 }, (_, i) =>
        JSON.stringify({ id: `n${i}`, text: `Note ${i}: essential hypertension.` }),
      )
        .map((line) => `${line}\n`)
        .join(''),
    );
    const out = join(dir, 'out');
    const redisUrl = `redis://127.0.0.1:${redis.port}`;
    const run = async (args: string[]) => {
      const stdout = sink();
      const code = await runCli(['batch', ...args, '--redis', redisUrl, '--queue', 'cli', '--json'], {
        stdout,
        stderr: sink(),
      });
      return { code, result: JSON.parse(stdout.text()) as Record<string, number> };
    };
    expect(await run(['enqueue', notes])).toEqual({ code: 0, result: { enqueued: 30, pending: 30 } });
    const work = ['work', '--model', model, '--out', out, '--concurrency', '8', '--exit-when-drained'];
    expect(await run(work)).toEqual({ code: 0, result: { written: 30, skipped: 0 } });
    expect((await readdir(out)).filter((name) => name.endsWith('.json'))).toHaveLength(30);
    await run(['enqueue', notes]);
    expect(await run(work)).toEqual({ code: 0, result: { written: 0, skipped: 30 } });
    expect((await readdir(out)).filter((name) => name.endsWith('.json'))).toHaveLength(30);
  });

  it('exits 2 on an unknown subcommand', async () => {
    expect(await runCli(['batch', 'nope'], { stdout: sink(), stderr: sink() })).toBe(2);
  });
});
