import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, InvalidArgumentError } from '@icd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { readFolderFiles } from './read-folder-files.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});
const temporary = () => {
  const root = mkdtempSync(join(tmpdir(), 'icd-read-folder-'));
  roots.push(root);
  return root;
};

describe('readFolderFiles', () => {
  it('reads every file under the folder by relative path: text as strings, weights as bytes, links followed', async () => {
    const root = temporary();
    const folder = join(root, 'snapshot');
    mkdirSync(join(folder, 'plm', 'onnx'), { recursive: true });
    mkdirSync(join(root, 'blobs'));
    writeFileSync(join(folder, 'prompt.json'), '{"a":1}');
    writeFileSync(join(folder, 'README.md'), '# card\n');
    writeFileSync(join(folder, 'plm', 'vocab.txt'), '[PAD]\nhé\n');
    writeFileSync(join(folder, 'plm', 'onnx', 'model.onnx'), Uint8Array.from([8, 1, 2]));
    // As in a huggingface_hub snapshot: the file is a link to a blob elsewhere; a dangling link is skipped.
    writeFileSync(join(root, 'blobs', 'abc'), Uint8Array.from([0, 255, 7]));
    symlinkSync(join(root, 'blobs', 'abc'), join(folder, 'plm', 'model.safetensors'));
    symlinkSync(join(root, 'blobs', 'missing'), join(folder, 'dangling.json'));
    const files = await readFolderFiles(folder);
    expect(Object.keys(files).sort()).toEqual([
      'README.md',
      'plm/model.safetensors',
      'plm/onnx/model.onnx',
      'plm/vocab.txt',
      'prompt.json',
    ]);
    expect(files['prompt.json']).toBe('{"a":1}');
    expect(files['plm/vocab.txt']).toBe('[PAD]\nhé\n');
    expect(files['plm/model.safetensors']).toEqual(Uint8Array.from([0, 255, 7]));
    expect(files['plm/onnx/model.onnx']).toEqual(Uint8Array.from([8, 1, 2]));
    const withoutOnnx = await readFolderFiles(folder, { include: (name) => !name.endsWith('.onnx') });
    expect(Object.keys(withoutOnnx)).not.toContain('plm/onnx/model.onnx');
    expect(Object.keys(withoutOnnx)).toHaveLength(4);
  });

  it('refuses a missing folder, a file, and bad options with typed errors', async () => {
    const root = temporary();
    writeFileSync(join(root, 'config.json'), '{}');
    await expect(readFolderFiles(join(root, 'nope'))).rejects.toBeInstanceOf(CheckpointError);
    await expect(readFolderFiles(join(root, 'config.json'))).rejects.toBeInstanceOf(CheckpointError);
    await expect(readFolderFiles('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(readFolderFiles(root, { include: 'json' as never })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
