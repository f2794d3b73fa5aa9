import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icd/core';
import { MockEncoder, MockTokenizer } from '@icd/core/test';
import { describe, expect, it } from 'vitest';
import { extractKeywords, extractKeywordsBatch } from './extract-keywords.js';
import { cosineSimilarity } from './similarity.js';

const words = ['chest', 'pain', 'fever', 'atrial', 'fibrillation', 'the', 'patient', 'has'];
const tokenizer = new MockTokenizer(words);
const id = (word: string) => tokenizer.tokenToId(word)!;

// MockEncoder gives every token a fixed vector of its id, whatever the context, so eqs. 1–3 can be
// computed by hand here: E_s = mean of the note's token vectors, a candidate = mean of its tokens.
function mean(encoder: MockEncoder, tokens: readonly string[]): number[] {
  const out = new Array<number>(encoder.info.hiddenSize).fill(0);
  for (const token of tokens)
    encoder.tokenVector(id(token)).forEach((v, d) => {
      out[d]! += v / tokens.length;
    });
  return out;
}

describe('extractKeywords', () => {
  it('ranks n-grams by cosine similarity to the mean token vector (eqs. 1-3), with spans', async () => {
    const encoder = new MockEncoder({ hiddenSize: 16, vocabSize: tokenizer.vocabSize });
    const note = 'The patient has chest pain; chest pain and fever.';
    const keywords = await extractKeywords(note, { encoder, tokenizer, topN: 10, ngramRange: [1, 2] });
    // Note tokens: the patient has chest pain ; chest pain and fever . (';', 'and', '.' are [UNK] = id 1).
    const noteTokens = [
      'the',
      'patient',
      'has',
      'chest',
      'pain',
      '[UNK]',
      'chest',
      'pain',
      '[UNK]',
      'fever',
      '[UNK]',
    ];
    const document = mean(encoder, noteTokens);
    // English stop words ('the', 'has') and cross-sentence pairs are not candidates.
    // 'patient chest' is no bigram: the stop word 'has' stands between them.
    const expected = [['patient'], ['chest'], ['pain'], ['fever'], ['chest', 'pain']];
    const scores = expected
      .map((c) => ({ text: c.join(' '), score: cosineSimilarity(mean(encoder, c), document) }))
      .sort((a, b) => b.score - a.score);
    expect(keywords.map((k) => k.text)).toEqual(scores.map((s) => s.text));
    for (const [i, k] of keywords.entries()) expect(k.score).toBeCloseTo(scores[i]!.score, 6);
    expect(keywords.find((k) => k.text === 'chest pain')).toMatchObject({
      source: 'embedding',
      spans: [
        [16, 26],
        [28, 38],
      ],
    });
    expect(encoder.calls).toHaveLength(1);
  });

  it('encodes a long note once per window (shared batches) and counts overlapping tokens per window', async () => {
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: tokenizer.vocabSize });
    const note = 'chest pain fever atrial fibrillation chest pain fever';
    // 8 tokens, windows of 4 content tokens sharing 1: [0,4) [3,7) [6,8) → 3 windows, batch of 2 → 2 calls.
    const [keywords] = await extractKeywordsBatch([note], {
      encoder,
      tokenizer,
      maxLength: 6,
      stride: 1,
      batchSize: 2,
      topN: 1,
      ngramRange: [1, 1],
      stopWords: false,
    });
    expect(encoder.calls.map((call) => call.inputIds.length)).toEqual([2, 1]);
    expect(encoder.calls[0]!.inputIds[1]).toEqual([
      2,
      id('atrial'),
      id('fibrillation'),
      id('chest'),
      id('pain'),
      3,
    ]);
    const counted = [
      'chest',
      'pain',
      'fever',
      'atrial',
      'atrial',
      'fibrillation',
      'chest',
      'pain',
      'pain',
      'fever',
    ];
    const document = mean(encoder, counted);
    const best = ['chest', 'pain', 'fever', 'atrial', 'fibrillation']
      .map((w) => ({ w, s: cosineSimilarity(mean(encoder, [w]), document) }))
      .sort((a, b) => b.s - a.s)[0]!;
    expect(keywords![0]!.text).toBe(best.w);
    expect(keywords![0]!.score).toBeCloseTo(best.s, 6);
  });

  it('finds user candidates case-insensitively, drops absent ones, encodes isolated candidates and seeds', async () => {
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: tokenizer.vocabSize });
    const note = 'Chest pain. Atrial fibrillation.';
    const keywords = await extractKeywords(note, {
      encoder,
      tokenizer,
      candidates: ['ATRIAL FIBRILLATION', 'Chest Pain', 'fever'],
      candidateEmbedding: 'isolated',
      seedKeywords: ['fever'],
      topN: 3,
    });
    expect(keywords.map((k) => k.text).sort()).toEqual(['ATRIAL FIBRILLATION', 'Chest Pain']);
    expect(keywords.find((k) => k.text === 'Chest Pain')!.spans).toEqual([[0, 10]]);
    // One call: the note's window, the two isolated candidates and the seed.
    expect(encoder.calls).toHaveLength(1);
    expect(encoder.calls[0]!.inputIds.length).toBe(4);
    const document = mean(encoder, ['chest', 'pain', '[UNK]', 'atrial', 'fibrillation', '[UNK]']);
    const seed = mean(encoder, ['fever']);
    const guided = document.map((v, d) => (3 * v + seed[d]!) / 4);
    const af = keywords.find((k) => k.text === 'ATRIAL FIBRILLATION')!;
    expect(af.score).toBeCloseTo(cosineSimilarity(mean(encoder, ['atrial', 'fibrillation']), guided), 6);
  });

  it('takes a user candidate given twice once, each occurrence once', async () => {
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: tokenizer.vocabSize });
    const keywords = await extractKeywords('Fever, then fever again.', {
      encoder,
      tokenizer,
      candidates: ['fever', 'fever', 'Fever'],
      topN: 5,
      diversity: { method: 'mmr', diversity: 0.5 },
    });
    expect(keywords.map((k) => k.text)).toEqual(['fever', 'Fever']);
    for (const keyword of keywords)
      expect(keyword.spans).toEqual([
        [0, 5],
        [12, 17],
      ]);
  });

  it('diversifies with MMR and Max Sum', async () => {
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: tokenizer.vocabSize });
    const note = 'chest pain fever atrial fibrillation patient';
    const base = { encoder, tokenizer, topN: 3, ngramRange: [1, 2] as const };
    const plain = await extractKeywords(note, base);
    expect(await extractKeywords(note, { ...base, diversity: { method: 'mmr', diversity: 0 } })).toEqual(
      plain,
    );
    const maxSum = await extractKeywords(note, {
      ...base,
      diversity: { method: 'maxSum', candidateCount: 6 },
    });
    expect(maxSum).toHaveLength(3);
    // KeyBERT's Max Sum order: ascending similarity.
    expect(maxSum[0]!.score).toBeLessThanOrEqual(maxSum[2]!.score);
  });

  it('returns no keywords for an empty note and rejects bad options', async () => {
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: tokenizer.vocabSize });
    expect(await extractKeywords('', { encoder, tokenizer })).toEqual([]);
    await expect(extractKeywords('x', { encoder, tokenizer, topN: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(extractKeywords('x', { encoder, tokenizer, ngramRange: [2, 1] })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(extractKeywords('x', { encoder, tokenizer, maxLength: 600 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(extractKeywords('x', { encoder: {} as never, tokenizer })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(extractKeywordsBatch([3 as never], { encoder, tokenizer })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});

const bertDir = join(import.meta.dirname, '../../../../../shared/models/bert-base-uncased');
const hasBert = existsSync(join(bertDir, 'tokenizer.json'));
if (!hasBert) console.warn(`[@icd/keybert tests] ${bertDir} not found: skipping the WordPiece keyword test.`);

describe.skipIf(!hasBert)('extractKeywords with the bert-base-uncased WordPiece tokenizer', () => {
  it('pools sub-word tokens of a candidate and maps spans to the original text', async () => {
    const { loadTokenizer } = await import('@icd/tokenizer/node');
    const wordPiece = loadTokenizer(bertDir);
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: wordPiece.vocabSize });
    const note = 'Paroxysmal atrial fibrillation with tachycardia.';
    const keywords = await extractKeywords(note, {
      encoder,
      tokenizer: wordPiece,
      candidates: ['tachycardia'],
      topN: 1,
    });
    const pieces = wordPiece.encode('tachycardia', null, { addSpecialTokens: false }).ids;
    expect(pieces.length).toBeGreaterThan(1);
    const vector = new Array<number>(8).fill(0);
    for (const piece of pieces)
      encoder.tokenVector(piece).forEach((v, d) => {
        vector[d]! += v / pieces.length;
      });
    const all = wordPiece.encode(note, null, { addSpecialTokens: false }).ids;
    const document = new Array<number>(8).fill(0);
    for (const token of all)
      encoder.tokenVector(token).forEach((v, d) => {
        document[d]! += v / all.length;
      });
    expect(keywords[0]!.score).toBeCloseTo(cosineSimilarity(vector, document), 6);
    expect(keywords[0]!.spans).toEqual([[36, 47]]);
  });
});
