import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the fixture generator
import { codePointToUtf16, referenceEncode } from '../scripts/reference-encoding.mjs';
import type { Encoding } from './encoding/encoding.js';
import { loadTokenizer } from './load-tokenizer.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { NormalizedText } from './normalizers/normalized-text.js';
import { hasShared, modelDir, readNotes, sharedDir } from './test-support/shared-corpus.js';
import { temporaryFolders } from './test-support/temporary-folders.js';
import { Tokenizer } from './tokenizer.js';

const folder = temporaryFolders('tokenizer-corpus');

type RustTokenizer = import('tokenizers').Tokenizer;
type RustEncoding = import('tokenizers').Encoding;

/** First difference between our encoding and the binding's, or null. Offsets: code points → UTF-16. */
function difference(text: string, ours: Encoding, reference: RustEncoding): string | null {
  const ids = reference.getIds();
  const tokens = reference.getTokens();
  const offsets = reference.getOffsets();
  const wordIds = reference.getWordIds();
  const map = codePointToUtf16(text) as number[];
  if (ours.length !== ids.length) return `length ${ours.length} vs ${ids.length}`;
  for (let i = 0; i < ids.length; i++) {
    const [start, end] = offsets[i]!;
    const expected = [map[start!], map[end!]];
    if (
      ours.ids[i] !== ids[i] ||
      ours.tokens[i] !== tokens[i] ||
      ours.offsets[i]![0] !== expected[0] ||
      ours.offsets[i]![1] !== expected[1] ||
      ours.wordIds[i] !== (wordIds[i] ?? null)
    ) {
      return `position ${i}: ${ours.tokens[i]} ${ours.offsets[i]} vs ${tokens[i]} ${expected}`;
    }
  }
  return null;
}

/** Encodes every note with both tokenizers; one line per note whose encodings differ (empty: identical). */
async function mismatchesOnEveryNote(
  notes: readonly string[],
  ours: Tokenizer,
  reference: RustTokenizer,
): Promise<string[]> {
  const references = await reference.encodeBatch([...notes]);
  const mismatches: string[] = [];
  notes.forEach((text, i) => {
    const found = difference(text, ours.encode(text), references[i]!);
    if (found !== null) mismatches.push(`note ${i}: ${found}`);
  });
  return mismatches;
}

describe.skipIf(!hasShared)(`parity with HF on CodiEsp (${sharedDir})`, () => {
  let rust: RustTokenizer;
  let tokenizer: Tokenizer;
  const english = hasShared ? readNotes('text_files_en') : [];
  const spanish = hasShared ? readNotes('text_files') : [];

  beforeAll(async () => {
    const { Tokenizer: Rust } = await import('tokenizers');
    rust = Rust.fromFile(join(modelDir, 'tokenizer.json'));
    tokenizer = loadTokenizer(modelDir);
  });

  it.each([
    ['English', english],
    ['Spanish', spanish],
  ])('every %s note: ids, tokens, offsets and word ids identical to the Rust binding', async (_, notes) => {
    expect(notes.length).toBe(3501);
    expect(await mismatchesOnEveryNote(notes, tokenizer, rust)).toEqual([]);
  });

  it.each([
    ['English', english],
    ['Spanish', spanish],
  ])('every token of every %s note: the original slice normalizes to the token text', (_, notes) => {
    const normalizer = new BertNormalizer({ lowercase: true });
    const buffer = new NormalizedText();
    const failures: string[] = [];
    let checked = 0;
    for (const text of notes) {
      const encoding = tokenizer.encode(text);
      const { tokens, offsets, specialTokensMask } = encoding;
      for (let i = 0; i < tokens.length; i++) {
        if (specialTokensMask[i] === 1 || tokens[i] === '[UNK]') continue;
        const [start, end] = offsets[i]!;
        buffer.reset();
        normalizer.normalize(text, start, end, buffer);
        // The slice's normalized units, spaces aside (CJK spacing), must spell the token.
        const token = tokens[i]!;
        let k = token.startsWith('##') ? 2 : 0;
        let same = true;
        for (let u = 0; u < buffer.length && same; u++) {
          if (buffer.units[u] === 32) continue;
          same = buffer.units[u] === token.charCodeAt(k++);
        }
        checked++;
        if ((!same || k !== token.length) && failures.length < 5)
          failures.push(`${token} ≠ ${buffer.toString()}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(1_000_000);
  });

  it('vocab.txt + tokenizer_config.json (no tokenizer.json) gives the same ids on every English note', async () => {
    const dir = folder();
    copyFileSync(join(modelDir, 'vocab.txt'), join(dir, 'vocab.txt'));
    copyFileSync(join(modelDir, 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
    const fromVocab = loadTokenizer(dir);
    expect(fromVocab.vocabSize).toBe(rust.getVocabSize(true));
    const references = await rust.encodeBatch(english);
    const mismatched = english.filter((text, i) => {
      const expected = references[i]!.getIds();
      const ids = fromVocab.encode(text).idsArray;
      return ids.length !== expected.length || ids.some((id, k) => id !== expected[k]);
    });
    expect(mismatched).toEqual([]);
  });

  it('a cased vocabulary trained by the binding on the English notes: identical on every English note', async () => {
    const {
      Tokenizer: Rust,
      WordPiece,
      bertNormalizer,
      bertPreTokenizer,
      templateProcessing,
      wordPieceDecoder,
    } = await import('tokenizers');
    const trainFolder = join(sharedDir, 'data/codiesp/train/text_files_en');
    const trainer = new Rust(WordPiece.empty());
    trainer.setNormalizer(bertNormalizer({ lowercase: false, stripAccents: false }));
    trainer.setPreTokenizer(bertPreTokenizer());
    trainer.train(readdirSync(trainFolder).map((file) => join(trainFolder, file)));
    const trained = trainer.getVocab();
    const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
    const vocab: Record<string, number> = Object.fromEntries(specials.map((token, id) => [token, id]));
    for (const [token, id] of Object.entries(trained)) vocab[token] = id + specials.length;
    const cased = new Rust(WordPiece.init(vocab, { unkToken: '[UNK]' }));
    cased.setNormalizer(bertNormalizer({ lowercase: false, stripAccents: false }));
    cased.setPreTokenizer(bertPreTokenizer());
    cased.setPostProcessor(
      templateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
        ['[CLS]', 2],
        ['[SEP]', 3],
      ]),
    );
    cased.setDecoder(wordPieceDecoder());
    cased.addSpecialTokens(specials);
    const file = join(folder(), 'tokenizer.json');
    cased.save(file);
    const ours = Tokenizer.fromJSON(readFileSync(file, 'utf8'));
    expect(ours.vocabSize).toBe(Object.keys(vocab).length);
    expect(await mismatchesOnEveryNote(english, ours, cased)).toEqual([]);
    // A cased vocabulary keeps capitals: the check is not vacuous.
    expect(ours.encode(english[0]!).tokens.some((token) => /[A-Z]/.test(token))).toBe(true);
  });

  it('the cased vocabulary trained by OUR trainer (fixtures/trainer-cased-vocab.txt): identical on every English note', async () => {
    const {
      Tokenizer: Rust,
      WordPiece,
      bertNormalizer,
      bertPreTokenizer,
      templateProcessing,
    } = await import('tokenizers');
    const vocabText = readFileSync(new URL('../fixtures/trainer-cased-vocab.txt', import.meta.url), 'utf8');
    const list = vocabText.split('\n').slice(0, -1);
    const vocab: Record<string, number> = Object.fromEntries(list.map((token, id) => [token, id]));
    // The reference is built by the binding from the same vocab.txt, as BertTokenizerFast(do_lower_case=False).
    const reference = new Rust(WordPiece.init(vocab, { unkToken: '[UNK]' }));
    reference.setNormalizer(bertNormalizer({ lowercase: false, stripAccents: false }));
    reference.setPreTokenizer(bertPreTokenizer());
    reference.setPostProcessor(
      templateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
        ['[CLS]', vocab['[CLS]']!],
        ['[SEP]', vocab['[SEP]']!],
      ]),
    );
    reference.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    const ours = Tokenizer.fromVocab(vocabText, { lowercase: false });
    expect(ours.vocabSize).toBe(list.length);
    expect(await mismatchesOnEveryNote(english, ours, reference)).toEqual([]);
    expect(ours.encode(english[0]!).tokens.some((token) => /[A-Z]/.test(token))).toBe(true);
  });

  it('long notes as 512-token windows with stride 128, single and paired: identical to HF post_process', async () => {
    const long = english.filter((text) => text.length > 4000).slice(0, 60);
    expect(long.length).toBe(60);
    const plain = (encoding: Encoding): unknown => ({
      ids: encoding.ids,
      offsets: encoding.offsets.map(([start, end]) => [start, end]),
      typeIds: encoding.typeIds,
      attentionMask: encoding.attentionMask,
      specialTokensMask: encoding.specialTokensMask,
      wordIds: encoding.wordIds,
      overflowing: encoding.overflowing.map(plain),
    });
    const strip = (reference: Record<string, unknown>): unknown => ({
      ids: reference.ids,
      offsets: reference.offsets,
      typeIds: reference.typeIds,
      attentionMask: reference.attentionMask,
      specialTokensMask: reference.specialTokensMask,
      wordIds: reference.wordIds,
      overflowing: (reference.overflowing as Record<string, unknown>[]).map(strip),
    });
    let windows = 0;
    for (const [i, text] of long.entries()) {
      const settings = { maxLength: 512, stride: 128, padding: 'max_length' as const };
      const ours = tokenizer.encode(text, null, settings);
      windows += 1 + ours.overflowing.length;
      expect(plain(ours)).toEqual(strip(await referenceEncode(rust, text, null, settings)));
      if (i % 10 === 0) {
        const other = long[i + 1]!;
        const short = other.slice(0, 400);
        const pairs = [
          [text, other, 'longest_first'],
          [text, short, 'longest_first'],
          [short, text, 'longest_first'],
          [text, short, 'only_first'],
          [short, text, 'only_second'],
        ] as const;
        for (const [first, second, truncation] of pairs) {
          const pairSettings = { maxLength: 256, stride: 32, truncation };
          const expected = strip(await referenceEncode(rust, first, second, pairSettings));
          expect(plain(tokenizer.encode(first, second, pairSettings))).toEqual(expected);
        }
      }
    }
    expect(windows).toBeGreaterThan(120);
  });
});
