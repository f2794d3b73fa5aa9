import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { DataFormatError } from './data-format-error.js';
import { IcdError } from './icd-error.js';
import { InvalidArgumentError } from './invalid-argument-error.js';
import { UnsupportedError } from './unsupported-error.js';
import { assertFiniteNumber, assertInteger, assertOneOf, invalidArgument } from './validate.js';

describe('error hierarchy', () => {
  it('marks every subclass as an IcdError and only as its own subclass', () => {
    const errors = [
      new InvalidArgumentError({ argument: 'k', message: 'bad k' }),
      new DataFormatError({ message: 'bad row', file: 'a.tsv', line: 3 }),
      new CheckpointError({ message: 'truncated', file: 'model.safetensors' }),
      new UnsupportedError({ feature: 'tensorflow', message: 'install @tensorflow/tfjs-node' }),
    ];
    for (const error of errors) {
      expect(IcdError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
    }
    expect(InvalidArgumentError.isInstance(errors[0])).toBe(true);
    expect(InvalidArgumentError.isInstance(errors[1])).toBe(false);
    expect(DataFormatError.isInstance(errors[1])).toBe(true);
    expect(CheckpointError.isInstance(errors[2])).toBe(true);
    expect(UnsupportedError.isInstance(errors[3])).toBe(true);
    expect(IcdError.isInstance(new Error('plain'))).toBe(false);
    expect(IcdError.isInstance(null)).toBe(false);
    expect(IcdError.isInstance('IcdError')).toBe(false);
  });

  it('recognises an error built by another copy of the package (same Symbol.for marker)', () => {
    const foreign = Object.assign(new Error('from a second copy'), {
      [Symbol.for('icd.error')]: true,
      [Symbol.for('icd.error.DataFormatError')]: true,
    });
    expect(IcdError.isInstance(foreign)).toBe(true);
    expect(DataFormatError.isInstance(foreign)).toBe(true);
    expect(CheckpointError.isInstance(foreign)).toBe(false);
  });

  it('puts file and line in front of data-format messages and keeps the fields', () => {
    const error = new DataFormatError({ message: 'expected 2 columns, got 1', file: 'trainD.tsv', line: 12 });
    expect(error.message).toBe('trainD.tsv:12: expected 2 columns, got 1');
    expect(error.file).toBe('trainD.tsv');
    expect(error.line).toBe(12);
    expect(error.name).toBe('DataFormatError');
    expect(new DataFormatError({ message: 'x', file: 'f' }).message).toBe('f: x');
    expect(new CheckpointError({ message: 'x', file: 'w', tensor: 't' }).tensor).toBe('t');
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new InvalidArgumentError({ argument: 'a', message: 'm', cause }).cause).toBe(cause);
  });
});

describe('assertions', () => {
  it('writes the house message: argument, function, expectation, received value', () => {
    expect(() => assertInteger('precisionAtK', 'k', 0, { min: 1 })).toThrow(
      "Argument 'k' passed to 'precisionAtK' must be an integer >= 1, got 0",
    );
    expect(() => assertInteger('encode', 'maxLength', 1.5, { min: 2, max: 512 })).toThrow(
      "Argument 'maxLength' passed to 'encode' must be an integer in [2, 512], got 1.5",
    );
    expect(() => assertFiniteNumber('f', 'beta', Number.NaN)).toThrow('must be a finite number, got NaN');
    expect(() => assertOneOf('f', 'average', 'mean', ['micro', 'macro'] as const)).toThrow(
      'must be one of "micro", "macro", got "mean"',
    );
    // Capture the error outside the catch, so the test fails if nothing is thrown.
    let thrown: unknown;
    try {
      assertInteger('f', 'n', 'three');
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect(InvalidArgumentError.isInstance(thrown) && thrown.argument).toBe('n');
    expect(InvalidArgumentError.isInstance(thrown) && thrown.value).toBe('three');
    expect(() => assertInteger('f', 'n', 3, { min: 1 })).not.toThrow();
  });
});

describe('TSDoc examples hold', () => {
  it('error classes and assertions', () => {
    expect(
      new DataFormatError({ file: 'trainD.tsv', line: 12, message: 'expected 2 fields, got 1' }).message,
    ).toBe('trainD.tsv:12: expected 2 fields, got 1');
    expect(
      new CheckpointError({
        file: 'model.safetensors',
        tensor: 'bert.embeddings.word_embeddings.weight',
        message: 'expected shape [30522, 768], got [28996, 768]',
      }).message,
    ).toBe('model.safetensors: expected shape [30522, 768], got [28996, 768]');
    expect(() => invalidArgument('loadCodiesp', 'dir', 'an existing folder', '/no/such/dir')).toThrow(
      `Argument 'dir' passed to 'loadCodiesp' must be an existing folder, got "/no/such/dir"`,
    );
    expect(() => assertFiniteNumber('fbetaScore', 'beta', Number.NaN)).toThrow(
      "Argument 'beta' passed to 'fbetaScore' must be a finite number, got NaN",
    );
    expect(() => assertOneOf('f1Score', 'average', 'mean', ['micro', 'macro'] as const)).toThrow(
      `Argument 'average' passed to 'f1Score' must be one of "micro", "macro", got "mean"`,
    );
  });
});
