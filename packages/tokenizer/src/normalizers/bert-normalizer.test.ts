import { describe, expect, it } from 'vitest';
import { BertNormalizer } from './bert-normalizer.js';
import { createNormalizer } from './create-normalizer.js';
import { NormalizedText } from './normalized-text.js';

// Every code point but the surrogates, each after a space so NFD cannot reorder across them.
function everyCodePoint(from: number, to: number): string {
  const parts: string[] = [];
  for (let cp = from; cp < to; cp++) if (cp < 0xd800 || cp > 0xdfff) parts.push(String.fromCodePoint(cp));
  return ` ${parts.join(' ')}`;
}

describe('BertNormalizer', () => {
  it('hand-checked examples: control characters removed, accents stripped, no NFKC', () => {
    const normalizer = new BertNormalizer();
    expect(normalizer.normalizeString('Café\u0000 ﬁ\u200d\tX')).toBe('cafe ﬁ x');
    expect(normalizer.normalizeString('中国')).toBe(' 中  国 ');
    expect(new BertNormalizer({ lowercase: false }).normalizeString('Ñandú')).toBe('Ñandú');
    expect(new BertNormalizer({ lowercase: true, stripAccents: false }).normalizeString('Ñandú')).toBe(
      'ñandú',
    );
    expect(new BertNormalizer({ lowercase: false, stripAccents: true }).normalizeString('Ñandú')).toBe(
      'Nandu',
    );
    // Per code point lower-casing, as Rust: a final sigma stays σ.
    expect(normalizer.normalizeString('ΣΑΣ')).toBe('σασ');
  });

  it('keeps an alignment of every output unit to the original text', () => {
    const out = new NormalizedText();
    new BertNormalizer().normalize('xÉ😀\u0000中', 0, 6, out);
    expect(out.toString()).toBe('xe😀 中 ');
    expect(Array.from(out.starts.subarray(0, out.length))).toEqual([0, 1, 2, 2, 5, 5, 5]);
    expect(Array.from(out.ends.subarray(0, out.length))).toEqual([1, 2, 4, 4, 6, 6, 6]);
  });

  it.each([
    [true, true, undefined, true],
    [true, false, undefined, false],
    [false, true, true, false],
  ])(
    'every Unicode code point matches the Rust binding (clean %s, chinese %s, strip %s, lowercase %s)',
    async (cleanText, handleChineseChars, stripAccents, lowercase) => {
      const { bertNormalizer } = await import('tokenizers');
      const reference = bertNormalizer({
        cleanText,
        handleChineseChars,
        stripAccents: stripAccents ?? lowercase,
        lowercase,
      });
      const ours = new BertNormalizer({ cleanText, handleChineseChars, stripAccents, lowercase });
      for (let from = 0; from < 0x110000; from += 0x10000) {
        const text = everyCodePoint(from, from + 0x10000);
        expect(ours.normalizeString(text) === reference.normalizeString(text)).toBe(true);
      }
    },
  );

  it('round-trips through tokenizer.json and rejects unknown types', () => {
    const normalizer = new BertNormalizer({ lowercase: false, stripAccents: true });
    expect(normalizer.toJSON()).toEqual({
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: true,
      lowercase: false,
    });
    expect(createNormalizer(normalizer.toJSON()).normalizeString('Ñu')).toBe('Nu');
    expect(() => createNormalizer({ type: 'NFKC' })).toThrow(/Normalizer type "NFKC" is not supported/);
    expect(() => createNormalizer({ type: 'BertNormalizer', lowercase: 'yes' })).toThrow(/must be a boolean/);
  });
});
