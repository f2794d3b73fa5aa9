import { invalidArgument } from '@icd/core';
import { characterClasses } from '../unicode/character-classes.js';
import { lowercaseExceptions, stripAccentsExceptions } from '../unicode/unicode-tables.js';
import type { NormalizedText } from './normalized-text.js';
import { Normalizer, type NormalizerJson } from './normalizer.js';

/**
 * Options of {@link BertNormalizer}; names follow HF's `BertNormalizer`.
 *
 * @example
 * ```ts
 * const options: BertNormalizerOptions = { lowercase: true, stripAccents: false };
 * new BertNormalizer(options).normalizeString('Café'); // 'café'
 * ```
 */
export interface BertNormalizerOptions {
  /** Drop control characters, NUL and U+FFFD; turn whitespace into spaces (default true). */
  readonly cleanText?: boolean;
  /** Put spaces around CJK ideographs so each is its own word (default true). */
  readonly handleChineseChars?: boolean;
  /** NFD then drop non-spacing marks; `undefined` follows `lowercase` (HF's default). */
  readonly stripAccents?: boolean;
  /** Lower-case, code point by code point (default true). */
  readonly lowercase?: boolean;
}

const kindSimple = 0;
const kindRemoved = 1;
const kindComplex = 2;

interface CodePointTable {
  kinds: Uint8Array;
  simple: Uint16Array;
  complex: Map<number, string>;
  map: (codePoint: number) => string;
}

const tables = new Map<string, CodePointTable>();
const stripExceptions = new Map(stripAccentsExceptions);
const lowerExceptions = new Map(lowercaseExceptions);

function buildTable(
  cleanText: boolean,
  chinese: boolean,
  strip: boolean,
  lowercase: boolean,
): CodePointTable {
  const classes = characterClasses();
  // Output of one code point after the four steps, in HF's order: clean, CJK spacing, strip, lowercase.
  // Each step is per code point in HF too (Rust `char::to_lowercase`, no final-sigma context).
  const map = (codePoint: number): string => {
    if (cleanText) {
      if (codePoint === 0 || codePoint === 0xfffd || classes.removed.has(codePoint)) return '';
      if (classes.cleanWhitespace.has(codePoint)) return ' ';
    }
    let text = String.fromCodePoint(codePoint);
    if (strip) {
      const exception = stripExceptions.get(codePoint);
      if (exception !== undefined) text = exception;
      else {
        let kept = '';
        for (const part of text.normalize('NFD')) {
          if (!classes.marks.has(part.codePointAt(0)!)) kept += part;
        }
        text = kept;
      }
    }
    if (lowercase) {
      let lowered = '';
      for (const part of text) {
        const exception = lowerExceptions.get(part.codePointAt(0)!);
        lowered += exception ?? part.toLowerCase();
      }
      text = lowered;
    }
    if (chinese && classes.chinese.has(codePoint)) return ` ${text} `;
    return text;
  };
  const kinds = new Uint8Array(0x10000);
  const simple = new Uint16Array(0x10000);
  const complex = new Map<number, string>();
  for (let codePoint = 0; codePoint < 0x10000; codePoint++) {
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      kinds[codePoint] = kindComplex;
      continue;
    }
    const output = map(codePoint);
    if (output.length === 1) simple[codePoint] = output.charCodeAt(0);
    else if (output.length === 0) kinds[codePoint] = kindRemoved;
    else {
      kinds[codePoint] = kindComplex;
      complex.set(codePoint, output);
    }
  }
  return { kinds, simple, complex, map };
}

/**
 * BERT's normalizer, identical to HuggingFace `tokenizers`' `BertNormalizer`: clean text (drop control,
 * format, private-use and unassigned characters, NUL and U+FFFD; whitespace to spaces), spaces around CJK
 * ideographs, accent stripping (NFD, then drop non-spacing marks) and lower-casing. It does NOT apply
 * NFKC: ligatures such as "ﬁ" stay as they are, as in HF. Lone surrogates are read as U+FFFD, as the
 * Rust binding does. Character classes come from tables generated from the reference
 * (scripts/generate-unicode-tables.mjs), so they match its Unicode version, not Node's.
 *
 * @example
 * ```ts
 * new BertNormalizer({ lowercase: true }).normalizeString('Café\u0000 ﬁ'); // 'cafe ﬁ'
 * ```
 */
export class BertNormalizer extends Normalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  /** As given (`undefined`: follows `lowercase`). */
  readonly stripAccents: boolean | undefined;
  readonly lowercase: boolean;
  private tableCache: CodePointTable | undefined;

  constructor(options: BertNormalizerOptions = {}) {
    super();
    if (options === null || typeof options !== 'object')
      invalidArgument('BertNormalizer', 'options', 'an object', options);
    for (const key of ['cleanText', 'handleChineseChars', 'stripAccents', 'lowercase'] as const) {
      const value = options[key];
      if (value !== undefined && typeof value !== 'boolean')
        invalidArgument('BertNormalizer', key, 'a boolean', value);
    }
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.stripAccents = options.stripAccents;
    this.lowercase = options.lowercase ?? true;
  }

  private get table(): CodePointTable {
    if (this.tableCache === undefined) {
      const strip = this.stripAccents ?? this.lowercase;
      const key = `${this.cleanText}${this.handleChineseChars}${strip}${this.lowercase}`;
      let table = tables.get(key);
      if (table === undefined) {
        table = buildTable(this.cleanText, this.handleChineseChars, strip, this.lowercase);
        tables.set(key, table);
      }
      this.tableCache = table;
    }
    return this.tableCache;
  }

  normalize(text: string, from: number, to: number, out: NormalizedText): void {
    const { kinds, simple, complex, map } = this.table;
    out.reserve(to - from);
    let length = out.length;
    let units = out.units;
    let starts = out.starts;
    let ends = out.ends;
    for (let i = from; i < to; i++) {
      const unit = text.charCodeAt(i);
      const kind = kinds[unit]!;
      if (kind === kindSimple) {
        units[length] = simple[unit]!;
        starts[length] = i;
        ends[length++] = i + 1;
        continue;
      }
      if (kind === kindRemoved) continue;
      // Slow path: several output units, astral code points, lone surrogates.
      let codePoint = unit;
      let end = i + 1;
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const next = i + 1 < to ? text.charCodeAt(i + 1) : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          codePoint = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          end = i + 2;
        } else codePoint = 0xfffd;
      }
      let output = complex.get(codePoint);
      if (output === undefined) {
        output = map(codePoint);
        complex.set(codePoint, output);
      }
      out.length = length;
      out.reserve(output.length + (to - i));
      for (let k = 0; k < output.length; k++) out.push(output.charCodeAt(k), i, end);
      length = out.length;
      // `reserve` may have replaced the arrays.
      units = out.units;
      starts = out.starts;
      ends = out.ends;
      i = end - 1;
    }
    out.length = length;
  }

  toJSON(): NormalizerJson {
    return {
      type: 'BertNormalizer',
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents ?? null,
      lowercase: this.lowercase,
    };
  }
}
