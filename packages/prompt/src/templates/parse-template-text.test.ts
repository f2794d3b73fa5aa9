import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { parseTemplateText } from './parse-template-text.js';

function errorOf(text: string): InvalidArgumentError {
  try {
    parseTemplateText(text);
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('parseTemplateText', () => {
  it('reads the blocks of a mixed template as OpenPrompt parse_text does', () => {
    // The MDR-BERT study's template (Results, "Mixed template").
    const blocks = parseTemplateText(
      '{"placeholder": "text_a"} patient {"soft": "can be diagnosed as "} {"mask"}.',
    );
    expect(blocks).toEqual([
      { kind: 'placeholder', placeholder: 'text_a', addPrefixSpace: false, position: 0 },
      { kind: 'text', text: 'patient', addPrefixSpace: true, position: 26 },
      { kind: 'soft', soft: 'can be diagnosed as ', addPrefixSpace: true, position: 34 },
      { kind: 'mask', addPrefixSpace: true, position: 67 },
      { kind: 'text', text: '.', addPrefixSpace: false, position: 75 },
    ]);
  });

  it('accepts Python literals (None, True, False) and JSON literals (null, true, false) alike', () => {
    const python = parseTemplateText(
      `{'placeholder':'text_a', 'shortenable': False} {"soft": None, "duplicate": 3, "same": True} {"mask"}`,
    );
    const json = parseTemplateText(
      '{"placeholder":"text_a", "shortenable": false} {"soft": null, "duplicate": 3, "same": true} {"mask"}',
    );
    expect(python.map(({ position: _, ...rest }) => rest)).toEqual(
      json.map(({ position: _, ...rest }) => rest),
    );
    expect(json[0]).toMatchObject({ kind: 'placeholder', shortenable: false });
    expect(json[1]).toMatchObject({ kind: 'soft', soft: null, duplicate: 3, same: true });
  });

  it('reads every construct: text_b, meta, soft_id, special, post_processing, explicit text', () => {
    const blocks = parseTemplateText(
      '{"meta": "age"} {"placeholder": "text_b", "post_processing": "stripPeriods"} {"soft_id": 2}' +
        ' {"special": "<sep>"} {"text": "Diagnosis:", "shortenable": True} {"mask"}',
    );
    expect(blocks.map((b) => b.kind)).toEqual(['meta', 'placeholder', 'soft', 'special', 'text', 'mask']);
    expect(blocks[0]).toMatchObject({ meta: 'age' });
    expect(blocks[1]).toMatchObject({ placeholder: 'text_b', postProcessing: 'stripPeriods' });
    expect(blocks[2]).toMatchObject({ softId: 2, soft: null });
    expect(blocks[3]).toMatchObject({ special: '<sep>' });
    expect(blocks[4]).toMatchObject({ text: 'Diagnosis:', shortenable: true });
  });

  it('keeps braces and escapes inside strings (OpenPrompt would miscount the braces)', () => {
    const [block] = parseTemplateText(String.raw`{"text": "a } b { c \"q\" \u00e9 \n"}`);
    expect(block?.text).toBe('a } b { c "q" é \n');
  });

  it('records a space before a block as addPrefixSpace and drops trailing spaces of text', () => {
    const blocks = parseTemplateText('It was   {"mask"}  ');
    expect(blocks).toEqual([
      { kind: 'text', text: 'It was', addPrefixSpace: false, position: 0 },
      { kind: 'mask', addPrefixSpace: true, position: 9 },
    ]);
  });

  it('names the character where the template goes wrong', () => {
    const unclosed = errorOf('{"placeholder":"text_a"} It was {"mask"');
    expect(unclosed.message).toContain('at character 32');
    expect(unclosed.message).toContain('never closed');
    expect(errorOf('{"placeholder" "text_a"}').message).toContain("at character 15: expected ',' or '}'");
    expect(errorOf('{"soft": lambda x: x} {"mask"}').message).toContain(
      'at character 9: unknown name "lambda"',
    );
    expect(errorOf('{"maks"}').message).toMatch(/at character 0: unknown key "maks"/);
    expect(errorOf('{"placeholder": "text_c"}').message).toContain('"text_a" or "text_b"');
    expect(errorOf('{"soft_id": 0}').message).toContain('"soft_id" must be an integer >= 1');
    expect(errorOf('{"mask": None, "placeholder": "text_a"}').message).toContain('cannot be both');
    expect(errorOf('{"soft": "x", "duplicate": 2}').message).toContain('apply only to a soft block without');
    expect(errorOf('{"text": "unterminated}').message).toContain('at character 9: the string opened here');
    expect(errorOf('a } b').message).toContain("at character 2: '}' without a matching '{'");
    expect(errorOf('{"__proto__": 1}').message).toContain('not allowed');
    expect(errorOf('{"a", "b": 1}').message).toContain('cannot also have');
  });
});
