// Generates the golden fixtures of the tokenizer tests with HuggingFace's Rust `tokenizers` binding (the
// reference), so the tests need neither ../shared nor the binding's exact version for these cases.
// Truncation goes through `postProcess` (see reference-encoding.mjs) because 0.23.x's `encode` stops
// tokenizing at maxLength and so drops overflowing windows (huggingface/tokenizers#2091).
// Writes fixtures/{uncased,cased,no-unk}-tokenizer.json (saved BY the binding) and fixtures/golden.json.
// Run: node packages/tokenizer/scripts/generate-fixtures.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import {
  AddedToken,
  bertNormalizer,
  bertPreTokenizer,
  Tokenizer,
  templateProcessing,
  WordPiece,
  wordPieceDecoder,
} from 'tokenizers';
import { referenceEncode } from './reference-encoding.mjs';

const fixtures = new URL('../fixtures/', import.meta.url);
const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const words = `the a patient patients chest pain was were with of and in to no history fever cough
  hemoglobin glucose mg dl cm left right kidney renal tumor tumour biopsy showed normal acute chronic
  cafe résumé niño año corazón über straße fine office film Patient Chest The Hemoglobin España
  un ##aff ##able ##s ##ed ##ing ##ly ##es ##ment ##ation ##al ##er ##ic ##o ##a ##ia ##os
  中 国 人 😀 ﬁ ﬁne ß σ ς ελληνικα русскии`
  .split(/\s+/)
  .filter(Boolean);
const alphabet = [];
for (let cp = 33; cp < 127; cp++) alphabet.push(String.fromCodePoint(cp));
for (const c of 'áéíóúñüçàèìòùâêîôûäëïöÁÉÍÓÚÑÜ') alphabet.push(c);
const vocabList = [...specials];
const add = (token) => {
  if (!vocabList.includes(token)) vocabList.push(token);
};
for (const c of alphabet) add(c);
for (const c of alphabet) add(`##${c}`);
for (const w of words) add(w);

function build(list, { lowercase, stripAccents, unk = '[UNK]' }) {
  const vocab = Object.fromEntries(list.map((token, id) => [token, id]));
  const tokenizer = new Tokenizer(WordPiece.init(vocab, { unkToken: unk, maxInputCharsPerWord: 100 }));
  tokenizer.setNormalizer(
    bertNormalizer({ lowercase, stripAccents, cleanText: true, handleChineseChars: true }),
  );
  tokenizer.setPreTokenizer(bertPreTokenizer());
  const cls = list.indexOf('[CLS]');
  const sep = list.indexOf('[SEP]');
  tokenizer.setPostProcessor(
    templateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
      ['[CLS]', cls],
      ['[SEP]', sep],
    ]),
  );
  tokenizer.setDecoder(wordPieceDecoder('##', true));
  tokenizer.addSpecialTokens(list.filter((token) => specials.includes(token)));
  return tokenizer;
}

// Added tokens beyond the specials: normalized ones (matched after normalization) and the flags.
function withAddedTokens(tokenizer) {
  tokenizer.addTokens(['Chest pain', 'hémo']);
  tokenizer.addAddedTokens([
    new AddedToken('[NOTE]', false, {
      singleWord: true,
      leftStrip: true,
      rightStrip: true,
      normalized: false,
    }),
    new AddedToken('<dx>', true, { leftStrip: true, normalized: false }),
  ]);
  return tokenizer;
}

const tokenizers = {
  uncased: build(vocabList, { lowercase: true, stripAccents: true }),
  cased: build(vocabList, { lowercase: false, stripAccents: false }),
  added: withAddedTokens(build(vocabList, { lowercase: true, stripAccents: true })),
  'no-unk': build(
    vocabList.filter((token) => token !== '[UNK]'),
    { lowercase: true, stripAccents: true },
  ),
};
for (const [name, tokenizer] of Object.entries(tokenizers)) {
  const file = new URL(`${name}-tokenizer.json`, fixtures);
  tokenizer.save(file.pathname, true);
  tokenizers[name] = Tokenizer.fromFile(file.pathname);
}

const long =
  'Chest pain with fever and cough, hemoglobin 12.5 mg/dl; the patient showed normal renal biopsy. ';
const hostile = {
  empty: '',
  whitespace: '  \t\n\r\u00a0\u3000\u2028 ',
  control: 'a\u0000b\u0001c\u0007d\u001fe\u007ff\u0085g\u200bh\ufeffi\u00adj\ufffdk',
  'lone surrogates': 'a\ud800b\udc00c \ud83d fin\udfff',
  emoji: 'chest 😀 pain 👍🏽 ok 🥰🥰',
  zwj: 'family 👨\u200d👩\u200d👧 a\u200db \u200c',
  'mixed scripts': 'Patient ñandú Ελληνικά русский 中文 العربية हिन्दी 한국어 ไทย',
  ligatures: 'ﬁne ﬂoor ﬃ Ⅻ ① ＡＢＣ ｶﾀｶﾅ ㎏ ½ ™ ℌ',
  combining: 'cafe\u0301 e\u0301\u0316 a\u0300\u0316\u0301 n\u0303 Å Å',
  casing: 'İstanbul ß ẞ ΣΑΣ ς ǅ ﬀ Ǳ',
  cjk: '中国人在医院。病人发烧 中a国b 㐀 𠀀𠀁',
  'long word': `${'x'.repeat(101)} ${'é'.repeat(100)} ${'😀'.repeat(60)}`,
  'special tokens': '[CLS] chest [MASK] pain[SEP]x [mask] [UNK][PAD]',
  punctuation: 'a.b,c!d?e;f:g\'h"i(j)k[l]m{n}o<p>q/r\\s|t~u`v@w#x$y%z^&*-_+= ¿¡ «» “” ‘’ — – … · ° € § ¶ †',
  numbers: '12.5 mg/dl 1,000 3½ ²³ ٣ ۴ १ 0x1F 1e-5',
  clinical:
    'The Patient, a 45-year-old man, showed CHEST pain; Hemoglobin 12.5 g/dL (normal). Niño de 3 años: corazón',
};
const cases = [];
const encode = async (tokenizerName, text, pair, settings) => {
  const tokenizer = tokenizers[tokenizerName];
  let expected;
  try {
    expected = await referenceEncode(tokenizer, text, pair ?? null, settings);
  } catch (error) {
    expected = { error: String(error.message ?? error) };
  }
  cases.push({ tokenizer: tokenizerName, text, pair: pair ?? null, settings, expected });
};
for (const name of ['uncased', 'cased', 'no-unk']) {
  for (const [label, text] of Object.entries(hostile)) await encode(name, text, null, { label });
}
await encode('uncased', hostile.clinical, null, { label: 'no specials', addSpecialTokens: false });
for (const text of [
  'CHEST PAIN and chest  pain, Chest painful; HEMO hémo hemoglobin',
  'a [NOTE] b x[NOTE]y  [NOTE]  <dx>  fever <dx>[NOTE]',
  '[NOTE][NOTE] chest pain[MASK]<dx>',
]) {
  await encode('added', text, null, { label: 'added tokens' });
  await encode('added', text, 'Chest pain [NOTE]', { label: 'added tokens pair' });
}
const longText = long.repeat(4);
for (const stride of [0, 3, 8]) {
  for (const maxLength of [12, 16, 33]) {
    await encode('uncased', longText, null, { label: 'windows', maxLength, stride });
  }
}
for (const truncation of ['longest_first', 'only_first', 'only_second']) {
  for (const [first, second] of [
    [long, 'fever and cough'],
    ['fever and cough', long],
    [long, long.repeat(2)],
  ]) {
    for (const [maxLength, stride] of [
      [20, 0],
      [20, 2],
      [40, 0],
      [40, 5],
      [64, 7],
    ]) {
      await encode('uncased', first, second, { label: 'pair truncation', maxLength, truncation, stride });
    }
  }
}
await encode('uncased', long, 'fever', { label: 'pair' });
await encode('uncased', '', '', { label: 'empty pair' });
await encode('uncased', long, null, { label: 'too short', maxLength: 5, truncation: 'only_first' });
for (const paddingSide of ['right', 'left']) {
  await encode('uncased', 'chest pain', null, {
    label: 'pad max',
    maxLength: 10,
    padding: 'max_length',
    paddingSide,
  });
  await encode('uncased', 'chest pain', null, {
    label: 'pad multiple',
    padding: 'longest',
    padToMultipleOf: 8,
    paddingSide,
  });
  await encode('uncased', longText, null, {
    label: 'pad windows',
    maxLength: 16,
    stride: 4,
    padding: 'max_length',
    paddingSide,
  });
  await encode('uncased', 'chest pain', 'fever', {
    label: 'pad pair',
    maxLength: 12,
    padding: 'max_length',
    paddingSide,
  });
}

const decodes = [];
for (const name of ['uncased', 'cased']) {
  for (const text of [
    hostile.clinical,
    hostile.punctuation,
    "I don't know, it's fine . ok ! yes ?",
    hostile['special tokens'],
  ]) {
    const tokenizer = tokenizers[name];
    tokenizer.disableTruncation();
    tokenizer.disablePadding();
    const ids = (await tokenizer.encode(text)).getIds();
    for (const skipSpecialTokens of [false, true]) {
      decodes.push({
        tokenizer: name,
        ids,
        skipSpecialTokens,
        expected: await tokenizer.decode(ids, skipSpecialTokens),
      });
    }
  }
}

const version = JSON.parse(
  readFileSync(new URL('../node_modules/tokenizers/package.json', import.meta.url), 'utf8'),
).version;
writeFileSync(
  new URL('golden.json', fixtures),
  `${JSON.stringify({ generator: `tokenizers (Rust, npm binding) ${version}`, cases, decodes })}\n`,
);
console.log(`${cases.length} encode cases, ${decodes.length} decode cases`);
