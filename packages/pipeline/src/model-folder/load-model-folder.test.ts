import { CheckpointError, UnsupportedError } from '@icd/core';
import { ensemble, LexicalCoder } from '@icd/heads';
import { describe, expect, it } from 'vitest';
import { modelCard } from '../node/model-card.js';
import { codeSetFromList, codeSetFromTable } from './code-set.js';
import { dictionaryCoder } from './dictionary-model.js';
import { loadModelFolder } from './load-model-folder.js';
import { modelFolderFiles } from './model-folder-files.js';
import { packModelFolder, unpackModelFolder } from './pack-model-folder.js';
import { HASHES, TRAINING_NOTES, tinyIcd10CmTable } from './test-fixtures.test-helper.js';

const notes = [
  { id: 'a', text: 'Atrial fibrillation again, on apixaban.' },
  { id: 'b', text: 'Metformin for type 2 diabetes, check up.' },
];
const train = () => LexicalCoder.train(TRAINING_NOTES, { c: 100, minDf: 1, threshold: 0.3 });
const info = (labels: readonly string[]) => ({
  name: 'tiny',
  codeSet: codeSetFromTable(labels, tinyIcd10CmTable()),
  hashes: HASHES,
});

describe('modelFolderFiles / loadModelFolder (lexical)', () => {
  it('round-trips scores, keeps only the code set, and writes pipeline.json with the stamp', async () => {
    const coder = train();
    const files = await modelFolderFiles(coder, { ...info(coder.labels), metrics: { microF1: 0.5 } });
    const metadata = JSON.parse(files['pipeline.json'] as string);
    expect(metadata).toMatchObject({ format: 'icd-pipeline', version: 1, kind: 'lexical', name: 'tiny' });
    expect(metadata.labels).toEqual(['E11.9', 'I10', 'I48.91', 'Z00.0']);
    // Z00.0 is not in the (tiny) ICD-10-CM table: excluded, never emitted.
    expect(metadata.codeSet.excluded).toEqual(['Z00.0']);
    expect(metadata.files).toEqual(['lexical.json']);
    const loaded = await loadModelFolder(files);
    expect(loaded.labels).toEqual(['E11.9', 'I10', 'I48.91']);
    const [original, again] = [await coder.predict(notes), await loaded.predict(notes)];
    for (const [index, prediction] of again.entries()) {
      expect(prediction.ranked.map((code) => code.code)).not.toContain('Z00.0');
      const expected = original[index]!.ranked.filter((code) => code.code !== 'Z00.0');
      expect(prediction.ranked.map((code) => [code.code, code.score])).toEqual(
        expected.map((code) => [code.code, code.score]),
      );
    }
    // The table's description is the display.
    expect(loaded.display('I48.91')).toBe('Unspecified atrial fibrillation');
    loaded.dispose();
  });

  it('lists in pipeline.json and the model card only the code set entries of the model labels', async () => {
    // The corpus has a class (J45.909) the trained model never saw: the folder must not list it.
    const coder = train();
    const codeSet = codeSetFromList(
      [...coder.labels, 'J45.909'],
      [
        { code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' },
        { code: 'I10', display: 'Essential (primary) hypertension' },
        { code: 'I48.91', display: 'Unspecified atrial fibrillation' },
        { code: 'J45.909', display: 'Unspecified asthma, uncomplicated' },
      ],
      { name: 'four' },
    );
    const files = await modelFolderFiles(coder, { name: 'tiny', codeSet, hashes: HASHES });
    const metadata = JSON.parse(files['pipeline.json'] as string);
    expect(metadata.codeSet.codes.map((entry: { code: string }) => entry.code)).toEqual([
      'E11.9',
      'I10',
      'I48.91',
    ]);
    expect(metadata.codeSet.excluded).toEqual(['Z00.0']);
    const card = modelCard(metadata);
    expect(card).toContain('4 codes;');
    expect(card).toContain(
      '3 of them are emitted, 1 are not valid codes of the set and never emitted (Z00.0)',
    );
  });

  it('applies the folder thresholds (one per label) and reports them', async () => {
    const coder = train();
    const files = await modelFolderFiles(coder, {
      ...info(coder.labels),
      thresholds: [0.99, 0.99, 0.01, 0.99],
    });
    const loaded = await loadModelFolder(files);
    const [prediction] = await loaded.predict([notes[0]!]);
    const af = prediction!.ranked.find((code) => code.code === 'I48.91')!;
    expect(af).toMatchObject({ threshold: 0.01, predicted: true });
    for (const code of prediction!.ranked.filter((c) => c.code !== 'I48.91')) {
      expect(code.threshold).toBe(0.99);
      expect(code.predicted).toBe(code.score >= 0.99);
    }
  });

  it('loads from packed bytes and from a base URL (fetch), with the same predictions', async () => {
    const coder = train();
    const files = await modelFolderFiles(coder, info(coder.labels));
    const expected = await (await loadModelFolder(files)).predict(notes);
    const bytes = packModelFolder(files);
    expect(Object.keys(unpackModelFolder(bytes)).sort()).toEqual(['lexical.json', 'pipeline.json']);
    expect(await (await loadModelFolder(bytes)).predict(notes)).toEqual(expected);
    const requested: string[] = [];
    const fetch = async (url: string) => {
      requested.push(url);
      const name = url.replace('https://models.example/tiny/', '');
      const content = files[name];
      return {
        ok: content !== undefined,
        status: content === undefined ? 404 : 200,
        arrayBuffer: async () => new TextEncoder().encode(content as string).buffer as ArrayBuffer,
      };
    };
    const remote = await loadModelFolder(new URL('https://models.example/tiny'), { fetch });
    expect(requested).toEqual([
      'https://models.example/tiny/pipeline.json',
      'https://models.example/tiny/lexical.json',
    ]);
    expect(await remote.predict(notes)).toEqual(expected);
  });

  it('refuses other format versions, missing files and bad bytes with typed errors', async () => {
    const coder = train();
    const files = await modelFolderFiles(coder, info(coder.labels));
    const bumped = {
      ...files,
      'pipeline.json': (files['pipeline.json'] as string).replace('"version": 1', '"version": 2'),
    };
    await expect(loadModelFolder(bumped)).rejects.toBeInstanceOf(UnsupportedError);
    const other = { ...files, 'pipeline.json': '{"format":"something-else","version":1}' };
    await expect(loadModelFolder(other)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(loadModelFolder({ 'lexical.json': files['lexical.json']! })).rejects.toBeInstanceOf(
      CheckpointError,
    );
    await expect(loadModelFolder({ ...files, 'pipeline.json': '{' })).rejects.toBeInstanceOf(CheckpointError);
    const { 'lexical.json': _, ...withoutModel } = files;
    await expect(loadModelFolder(withoutModel)).rejects.toBeInstanceOf(CheckpointError);
    await expect(loadModelFolder(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(CheckpointError);
    const noThresholds = {
      ...files,
      'pipeline.json': (files['pipeline.json'] as string).replace(
        '"kind": "lexical",',
        '"kind": "lexical", "thresholds": [0.5],',
      ),
    };
    await expect(loadModelFolder(noThresholds)).rejects.toBeInstanceOf(CheckpointError);
  });
});

describe('dictionary and ensemble folders', () => {
  const terms = [
    { code: 'I48.91', term: 'atrial fibrillation' },
    { code: 'E11.9', term: 'type 2 diabetes' },
    { code: 'I10', term: 'hypertension' },
  ];

  it('a dictionary coder round-trips with its dictionary evidence', async () => {
    const coder = dictionaryCoder({ terms, threshold: 0.5 });
    const files = await modelFolderFiles(coder, {
      name: 'dict',
      codeSet: codeSetFromTable(coder.labels, tinyIcd10CmTable()),
      hashes: HASHES,
    });
    const loaded = await loadModelFolder(files);
    const [a] = await loaded.predict([notes[0]!]);
    expect(a!.evidenceSource).toBe('dictionary');
    const top = a!.ranked[0]!;
    expect(top.code).toBe('I48.91');
    // One full-weight match, no prior: (1 − priorWeight)·(1 − e^−1) with the default priorWeight 0.01.
    expect(top.score).toBeCloseTo(0.99 * (1 - Math.exp(-1)), 12);
    expect(top.evidence[0]).toMatchObject({
      start: 0,
      end: 19,
      text: 'Atrial fibrillation',
      source: 'dictionary',
    });
  });

  it('an ensemble of lexical and dictionary coders round-trips (members in first/ and second/)', async () => {
    const lexical = train();
    const dictionary = dictionaryCoder({ terms });
    const merged = ensemble(lexical, dictionary, 0.25, { threshold: 0.3 });
    const files = await modelFolderFiles(merged, info(merged.labels));
    expect(Object.keys(files).sort()).toEqual([
      'first/lexical.json',
      'first/pipeline.json',
      'pipeline.json',
      'second/dictionary.json',
      'second/pipeline.json',
    ]);
    const loaded = await loadModelFolder(files);
    const [prediction] = await loaded.predict([notes[0]!]);
    const [lexicalPrediction] = await lexical.predict([notes[0]!]);
    const [dictionaryPrediction] = await dictionary.predict([notes[0]!]);
    const af = (list: typeof prediction) => list!.ranked.find((code) => code.code === 'I48.91')?.score ?? 0;
    // eq. 5: λ·A + (1 − λ)·B
    expect(af(prediction)).toBeCloseTo(0.25 * af(lexicalPrediction) + 0.75 * af(dictionaryPrediction), 12);
    expect(prediction!.ranked.every((code) => code.threshold === 0.3)).toBe(true);
  });

  it('gives dictionary evidence, then sentence evidence, to a model without any', async () => {
    const coder = train(); // LexicalCoder gives keyword evidence: turn it off to see the fallback
    const silent = {
      labels: coder.labels,
      predict: async (input: readonly { id: string; text: string }[]) =>
        (await coder.predict(input, { evidence: false })).map((p) => ({
          ...p,
          evidenceSource: 'none' as const,
        })),
      dispose: () => undefined,
    };
    const { PipelineCoder } = await import('./pipeline-coder.js');
    const metadata = JSON.parse(
      (
        await modelFolderFiles(coder, {
          ...info(coder.labels),
          thresholds: 0.01,
          evidenceTerms: [{ code: 'I48.91', term: 'atrial fibrillation' }],
        })
      )['pipeline.json'] as string,
    );
    const wrapped = new PipelineCoder(silent, metadata);
    const text = 'Seen today. Atrial fibrillation again. Type 2 diabetes mellitus, on metformin.';
    const [prediction] = await wrapped.predict([{ id: 'x', text }]);
    const af = prediction!.ranked.find((code) => code.code === 'I48.91')!;
    expect(af.evidence[0]).toMatchObject({
      text: 'Atrial fibrillation',
      source: 'dictionary',
      start: 12,
      end: 31,
    });
    // E11.9 has no dictionary term: the sentence sharing most words with its display
    // ('Type 2 diabetes mellitus without complications': words > 3 letters: type, diabetes, mellitus, without, complications).
    const diabetes = prediction!.ranked.find((code) => code.code === 'E11.9')!;
    expect(diabetes.evidence[0]).toMatchObject({
      text: 'Type 2 diabetes mellitus, on metformin.',
      source: 'sentence',
    });
    expect(diabetes.evidence[0]!.score).toBeCloseTo(3 / 5, 12);
    expect(prediction!.evidenceSource).not.toBe('none');
  });

  it('codeSetFromList keeps the listed codes with their displays', () => {
    const codeSet = codeSetFromList(['I10.1', 'X'], [{ code: 'i10.1', display: 'Hypertensive emergency' }], {
      name: 'mdr-bert',
    });
    expect(codeSet).toEqual({
      name: 'mdr-bert',
      system: 'http://hl7.org/fhir/sid/icd-10-cm',
      codes: [{ code: 'I10.1', display: 'Hypertensive emergency' }],
      excluded: ['X'],
    });
  });
});
