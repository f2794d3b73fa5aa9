import { InvalidArgumentError } from '@icd/core';

/** A value of the literal language of template blocks: JSON, plus Python's `None`/`True`/`False`. */
export type LiteralValue =
  | string
  | number
  | boolean
  | null
  | readonly LiteralValue[]
  | { readonly [key: string]: LiteralValue };

/**
 * Where and why a template failed to parse. `position` is the 0-based character index in the whole
 * template text.
 */
export function templateSyntaxError(
  fn: string,
  text: string,
  position: number,
  problem: string,
): InvalidArgumentError {
  const from = Math.max(0, position - 30);
  const excerpt = text.slice(from, position + 30).replace(/\s/g, ' ');
  const caret = `${' '.repeat(position - from)}^`;
  return new InvalidArgumentError({
    argument: 'text',
    value: text,
    message:
      `Argument 'text' passed to '${fn}' is not a valid template at character ${position}: ${problem}\n` +
      `  ${excerpt}\n  ${caret}`,
  });
}

const pythonEscapes: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '/': '/',
};

/**
 * A recursive-descent reader of ONE Python/JSON literal starting at `start` of `text`: strings in single
 * or double quotes (with escapes), numbers, `true`/`false`/`null` and `True`/`False`/`None`, lists,
 * tuples, dicts with string keys and sets of strings (a set `{"mask"}` reads as `{ mask: null }`, as
 * OpenPrompt turns `eval`'s set into a dict). Nothing is evaluated: names other than the six constants
 * are refused, so a template can never run code.
 */
export class LiteralReader {
  position: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly fn: string,
  ) {
    this.position = start;
  }

  fail(problem: string, position = this.position): never {
    throw templateSyntaxError(this.fn, this.text, position, problem);
  }

  skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position]!)) this.position += 1;
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  readValue(): LiteralValue {
    this.skipSpace();
    const c = this.peek();
    if (c === undefined) this.fail('the template ends where a value was expected');
    if (c === '"' || c === "'") return this.readString();
    if (c === '{') return this.readBraces();
    if (c === '[') return this.readSequence('[', ']');
    if (c === '(') return this.readSequence('(', ')');
    if (/[-+0-9.]/.test(c)) return this.readNumber();
    if (/[A-Za-z_]/.test(c)) return this.readConstant();
    return this.fail(`unexpected character ${JSON.stringify(c)} where a value was expected`);
  }

  readString(): string {
    const start = this.position;
    const quote = this.text[this.position]!;
    this.position += 1;
    let out = '';
    while (this.position < this.text.length) {
      const c = this.text[this.position]!;
      if (c === quote) {
        this.position += 1;
        return out;
      }
      if (c === '\n') this.fail('a string may not span lines', this.position);
      if (c === '\\') {
        const next = this.text[this.position + 1];
        if (next === undefined) break;
        if (next === 'u') {
          const hex = this.text.slice(this.position + 2, this.position + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u must be followed by 4 hex digits');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.position += 6;
          continue;
        }
        const escaped = pythonEscapes[next];
        // Python keeps unknown escapes verbatim ("\d" stays backslash + d).
        out += escaped ?? `\\${next}`;
        this.position += 2;
        continue;
      }
      out += c;
      this.position += 1;
    }
    return this.fail(`the string opened here has no closing ${quote}`, start);
  }

  private readNumber(): number {
    const start = this.position;
    const match = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.text.slice(start));
    if (!match) this.fail('malformed number');
    this.position += match[0].length;
    return Number(match[0]);
  }

  private readConstant(): LiteralValue {
    const start = this.position;
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(start))!;
    this.position += match[0].length;
    switch (match[0]) {
      case 'None':
      case 'null':
        return null;
      case 'True':
      case 'true':
        return true;
      case 'False':
      case 'false':
        return false;
      default:
        return this.fail(
          `unknown name ${JSON.stringify(match[0])} (only strings, numbers, lists, true/false/null and ` +
            'True/False/None are allowed; nothing is evaluated)',
          start,
        );
    }
  }

  private readSequence(open: string, close: string): LiteralValue[] {
    const start = this.position;
    this.position += 1;
    const items: LiteralValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === undefined) this.fail(`the ${open} opened here is never closed`, start);
      if (this.peek() === close) {
        this.position += 1;
        return items;
      }
      items.push(this.readValue());
      this.skipSpace();
      if (this.peek() === undefined) this.fail(`the ${open} opened here is never closed`, start);
      if (this.peek() === ',') this.position += 1;
      else if (this.peek() !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  /** A dict `{k: v, ...}` or a set `{a, b}` (set members become keys with `null` values). */
  readBraces(): { [key: string]: LiteralValue } {
    const start = this.position;
    this.position += 1;
    const out: { [key: string]: LiteralValue } = Object.create(null);
    let kind: 'dict' | 'set' | undefined;
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === undefined) this.fail("the '{' opened here is never closed", start);
      if (c === '}') {
        this.position += 1;
        return { ...out };
      }
      const keyStart = this.position;
      if (c !== '"' && c !== "'") this.fail('expected a quoted key such as "mask" or "placeholder"');
      const key = this.readString();
      if (key === '__proto__' || key === 'constructor' || key === 'prototype')
        this.fail(`the key ${JSON.stringify(key)} is not allowed`, keyStart);
      this.skipSpace();
      let value: LiteralValue = null;
      if (this.peek() === ':') {
        if (kind === 'set') this.fail('a set ({"a", "b"}) cannot also have \'key: value\' entries');
        kind = 'dict';
        this.position += 1;
        value = this.readValue();
      } else {
        if (kind === 'dict') this.fail("expected ':' after the key");
        kind = 'set';
      }
      if (Object.hasOwn(out, key)) this.fail(`the key ${JSON.stringify(key)} appears twice`, keyStart);
      out[key] = value;
      this.skipSpace();
      if (this.peek() === undefined) this.fail("the '{' opened here is never closed", start);
      if (this.peek() === ',') this.position += 1;
      else if (this.peek() !== '}') this.fail("expected ',' or '}'");
    }
  }
}
