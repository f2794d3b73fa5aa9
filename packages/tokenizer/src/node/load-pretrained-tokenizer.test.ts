import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, UnsupportedError } from '@icd/core';
import { HubError } from '@icd/hub';
import { type FakeHub, type FakeRepo, MemoryCache, startFakeHub } from '@icd/hub/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPretrainedTokenizer as fetchPretrainedTokenizer } from '../load-pretrained-tokenizer.js';
import { hasModel, modelDir } from '../test-support/shared-corpus.js';
import { loadPretrainedTokenizer } from './load-pretrained-tokenizer.js';

// The reference is HuggingFace's own tokenizers: the ids transformers.js's BERT cases record for
// bert-base-uncased (HF's Python output), and the Rust `tokenizers` library running the real
// bert-base-uncased tokenizer.json, with its BertNormalizer set as transformers' BertTokenizerFast sets it
// from tokenizer_config.json (lowercase = do_lower_case, strip_accents, handle_chinese_chars).
interface PeerCase {
  text: string;
  pair: string | null;
  ids: number[];
}
const peer = JSON.parse(
  readFileSync(new URL('../../fixtures/transformers-js-bert-uncased.json', import.meta.url), 'utf8'),
) as { cases: PeerCase[] };
const texts = [
  'Café, résumé and naïve ÉLÈVE: Ångström façade',
  'Paciente con diabetes mellitus tipo 2 y HbA1c de 8,5%; niega disnea. Señor Muñoz.',
  '患者主诉胸痛 chest pain 心电图正常',
  'Dx: R07.9 chest-pain (r/o MI), BP 120/80mmHg, K+ 3.2 mEq/L',
  'don\u0027t  stop\tthe\u00a0NBSP\u200bzero-width \u0007bell',
  'UPPER lower MiXeD caseS in ICU; the [MASK] and [SEP] tokens stay whole',
];

let hub: FakeHub | undefined;
const roots: string[] = [];
const temporary = () => {
  const dir = mkdtempSync(join(tmpdir(), 'icd-tokenizer-hub-'));
  roots.push(dir);
  return dir;
};
const vocab = hasModel ? readFileSync(join(modelDir, 'vocab.txt'), 'utf8') : '';
const tokenizerJson = hasModel ? readFileSync(join(modelDir, 'tokenizer.json'), 'utf8') : '';
const config = (settings: Record<string, unknown>) =>
  JSON.stringify({ tokenizer_class: 'BertTokenizer', ...settings });

async function rust(normalizer: Record<string, unknown>, special: string[] = []) {
  const { Tokenizer } = await import('tokenizers');
  const json = JSON.parse(tokenizerJson);
  json.normalizer = { ...json.normalizer, ...normalizer };
  const tokenizer = Tokenizer.fromString(JSON.stringify(json));
  if (special.length > 0) tokenizer.addSpecialTokens(special);
  return async (text: string, pair: string | null = null) =>
    (await tokenizer.encode(text, pair ?? undefined)).getIds();
}

beforeAll(async () => {
  if (!hasModel) return;
  const repos: Record<string, FakeRepo> = {
    // As emilyalsentzer/Bio_ClinicalBERT: vocab.txt, no tokenizer.json nor tokenizer_config.json, and
    // pickle weights only (the tokenizer loads all the same: only tokenizer files are fetched).
    'clinical/vocab-only': {
      files: { 'config.json': '{"model_type":"bert"}', 'vocab.txt': vocab, 'pytorch_model.bin': 'pickle' },
    },
    'clinical/cased': {
      files: { 'vocab.txt': vocab, 'tokenizer_config.json': config({ do_lower_case: false }) },
    },
    'clinical/cased-stripped': {
      files: {
        'vocab.txt': vocab,
        'tokenizer_config.json': config({ do_lower_case: false, strip_accents: true }),
      },
    },
    'clinical/lower-accents': {
      files: {
        'vocab.txt': vocab,
        'tokenizer_config.json': config({
          do_lower_case: true,
          strip_accents: false,
          tokenize_chinese_chars: false,
        }),
      },
    },
    'clinical/special-map': {
      files: {
        'vocab.txt': vocab,
        'tokenizer_config.json': config({ mask_token: '[MASK]' }),
        'special_tokens_map.json': JSON.stringify({ mask_token: { content: '[unused1]', lstrip: false } }),
      },
    },
    // additional special tokens from both files (transformers takes their union) and a special entry of
    // added_tokens_decoder; '<note>' is not in vocab.txt, so it takes the next id
    'clinical/additional': {
      files: {
        'vocab.txt': vocab,
        'tokenizer_config.json': config({
          additional_special_tokens: ['[unused5]'],
          added_tokens_decoder: {
            '8': { content: '[unused7]', lstrip: false, normalized: false, special: true },
          },
        }),
        'special_tokens_map.json': JSON.stringify({
          additional_special_tokens: [{ content: '<note>', lstrip: false, rstrip: false }],
        }),
      },
    },
    'clinical/roberta': {
      files: { 'vocab.txt': vocab, 'tokenizer_config.json': config({ tokenizer_class: 'RobertaTokenizer' }) },
    },
    'clinical/nothing': { files: { 'config.json': '{}' } },
    'clinical/no-basic': {
      files: { 'vocab.txt': vocab, 'tokenizer_config.json': config({ do_basic_tokenize: false }) },
    },
    'clinical/bad-config': {
      files: { 'vocab.txt': vocab, 'tokenizer_config.json': '{"do_lower_case": "yes"}' },
    },
    'clinical/gated': { files: { 'vocab.txt': vocab }, gated: true },
  };
  hub = await startFakeHub(repos);
});
afterAll(async () => {
  await hub?.close();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasModel)(`loadPretrainedTokenizer (Node) against HF tokenizers on ${modelDir}`, () => {
  const options = () => ({ endpoint: hub?.endpoint, cacheDir: temporary() });

  it('a vocab.txt-only repo (Bio_ClinicalBERT style) gives the ids HF gives with bert-base-uncased', async () => {
    const tokenizer = await loadPretrainedTokenizer('clinical/vocab-only', options());
    expect(peer.cases).toHaveLength(30);
    for (const c of peer.cases) expect(tokenizer.encode(c.text, c.pair).ids).toEqual(c.ids);
    const reference = await rust({});
    for (const text of texts) expect(tokenizer.encode(text).ids).toEqual(await reference(text));
    expect(hub?.requests.some((r) => r.path.endsWith('pytorch_model.bin'))).toBe(false);
  });

  it('tokenizer_config.json casing and accents: do_lower_case false keeps case and accents; strip_accents true strips them', async () => {
    const cased = await loadPretrainedTokenizer('clinical/cased', options());
    const keep = await rust({ lowercase: false, strip_accents: null });
    const stripped = await loadPretrainedTokenizer('clinical/cased-stripped', options());
    const strip = await rust({ lowercase: false, strip_accents: true });
    const lower = await loadPretrainedTokenizer('clinical/lower-accents', options());
    const lowerKeep = await rust({ lowercase: true, strip_accents: false, handle_chinese_chars: false });
    for (const text of [...texts, ...peer.cases.map((c) => c.text)]) {
      expect(cased.encode(text).ids).toEqual(await keep(text));
      expect(stripped.encode(text).ids).toEqual(await strip(text));
      expect(lower.encode(text).ids).toEqual(await lowerKeep(text));
    }
    // the settings differ where they should (the comparison above is not vacuous)
    expect(cased.encode(texts[0] as string).ids).not.toEqual(stripped.encode(texts[0] as string).ids);
    const uncased = await rust({});
    expect(lower.encode(texts[2] as string).ids).not.toEqual(await uncased(texts[2] as string));
  });

  it('special_tokens_map.json wins over tokenizer_config.json, as in transformers', async () => {
    const tokenizer = await loadPretrainedTokenizer('clinical/special-map', options());
    expect(tokenizer.specialTokens.mask).toBe('[unused1]');
    expect(tokenizer.tokenToId(tokenizer.specialTokens.mask)).toBe(2);
    const reference = await rust({}, ['[unused1]']);
    const text = 'chest [unused1] pain';
    expect(tokenizer.encode(text).ids).toEqual(await reference(text));
  });

  it('additional_special_tokens and added_tokens_decoder are matched whole, as HF tokenizers match added special tokens', async () => {
    const tokenizer = await loadPretrainedTokenizer('clinical/additional', options());
    const reference = await rust({}, ['[unused5]', '<note>', '[unused7]']);
    const text = 'chest [unused5] pain<note>and [unused7] DYSPNOEA';
    const ids = tokenizer.encode(text).ids;
    expect(ids).toEqual(await reference(text));
    expect(ids).toContain(tokenizer.tokenToId('[unused5]'));
    expect(tokenizer.tokenToId('<note>')).toBe(vocab.trimEnd().split('\n').length);
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('chest pain and dyspnoea');
  });

  it('loads again from the cache with the Hub stopped or offline, with no request; a local folder wins', async () => {
    const solo = await startFakeHub({ 'clinical/vocab-only': { files: { 'vocab.txt': vocab } } });
    const cacheDir = temporary();
    const first = await loadPretrainedTokenizer('clinical/vocab-only', { endpoint: solo.endpoint, cacheDir });
    const count = solo.requests.length;
    const offline = await loadPretrainedTokenizer('clinical/vocab-only', {
      endpoint: solo.endpoint,
      cacheDir,
      localFilesOnly: true,
    });
    expect(solo.requests.length).toBe(count);
    await solo.close();
    const stopped = await loadPretrainedTokenizer('clinical/vocab-only', {
      endpoint: solo.endpoint,
      cacheDir,
    });
    for (const c of peer.cases.slice(0, 5)) {
      expect(offline.encode(c.text, c.pair).ids).toEqual(first.encode(c.text, c.pair).ids);
      expect(stopped.encode(c.text, c.pair).ids).toEqual(c.ids);
    }
    const local = await loadPretrainedTokenizer(modelDir, { endpoint: 'http://127.0.0.1:9' });
    expect(local.encode(peer.cases[0]?.text as string).ids).toEqual(peer.cases[0]?.ids);
  });

  it('typed errors: no tokenizer files, a non-BERT class, a malformed config, gated, missing, bad arguments', async () => {
    await expect(loadPretrainedTokenizer('clinical/nothing', options())).rejects.toThrow(
      /neither tokenizer\.json nor vocab\.txt/,
    );
    const roberta = await loadPretrainedTokenizer('clinical/roberta', options()).catch((e) => e);
    expect(UnsupportedError.isInstance(roberta)).toBe(true);
    const noBasic = await loadPretrainedTokenizer('clinical/no-basic', options()).catch((e) => e);
    expect(UnsupportedError.isInstance(noBasic) && noBasic.message).toMatch(/do_basic_tokenize/);
    const bad = await loadPretrainedTokenizer('clinical/bad-config', options()).catch((e) => e);
    expect(CheckpointError.isInstance(bad) && bad.file).toMatch(/tokenizer_config\.json$/);
    expect(bad.message).toMatch(/do_lower_case/);
    const gated = await loadPretrainedTokenizer('clinical/gated', options()).catch((e) => e);
    expect(HubError.isInstance(gated) && gated.reason).toBe('gated');
    await expect(loadPretrainedTokenizer('clinical/none', options())).rejects.toMatchObject({
      reason: 'notFound',
      status: 404,
    });
    await expect(loadPretrainedTokenizer('', options())).rejects.toThrow(/idOrFolder/);
    await expect(loadPretrainedTokenizer('clinical/cased', null as never)).rejects.toThrow(/options/);
  });
});

describe.skipIf(!hasModel)('loadPretrainedTokenizer (main entry, fetch + Cache API)', () => {
  it('fetches a vocab.txt-only repo once, then serves it from the cache with localFilesOnly and no request', async () => {
    const cache = new MemoryCache();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const options = { endpoint: hub?.endpoint, cache, fetch: counting };
    const tokenizer = await fetchPretrainedTokenizer('clinical/cased', options);
    const keep = await rust({ lowercase: false, strip_accents: null });
    for (const text of texts) expect(tokenizer.encode(text).ids).toEqual(await keep(text));
    const made = calls;
    expect(made).toBeGreaterThan(0);
    const again = await fetchPretrainedTokenizer('clinical/cased', { ...options, localFilesOnly: true });
    expect(calls).toBe(made);
    expect(again.encode(texts[0] as string).ids).toEqual(tokenizer.encode(texts[0] as string).ids);
    await expect(
      fetchPretrainedTokenizer('clinical/vocab-only', { ...options, localFilesOnly: true }),
    ).rejects.toMatchObject({ reason: 'notCached' });
    expect(calls).toBe(made);
  });
});
