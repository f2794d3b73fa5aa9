import { IcdError } from '@icd/core';
import { Tokenizer } from '@icd/tokenizer';
import { describe, expect, it } from 'vitest';
import { noteWindows } from '../training/note-windows.js';
import { attentionEvidence } from './attention-evidence.js';
import { sentenceEvidence } from './sentence-evidence.js';

describe('attentionEvidence', () => {
  // 'Acute myo##cardial infarction, no fever.' as word pieces with offsets, [CLS] and [SEP] at 0, 0.
  const text = 'Acute myocardial infarction, no fever.';
  const offsets = [0, 0, 0, 5, 6, 9, 9, 16, 17, 27, 27, 28, 29, 31, 32, 37, 37, 38, 0, 0];
  //               CLS   acute myo   ##cardial infarction ,     no      fever   .       SEP

  it('adds word pieces to whole words, merges adjacent attended words, scores by attention mass', () => {
    const attention = [0.05, 0.02, 0.2, 0.15, 0.3, 0.05, 0.01, 0.12, 0.05, 0.05];
    const spans = attentionEvidence(text, offsets, attention);
    // Word masses: acute 0.02, myocardial 0.35, infarction 0.3, no 0.01, fever 0.12; cut = 0.25 · 0.35.
    expect(spans).toEqual([
      {
        start: 6,
        end: 27,
        text: 'myocardial infarction',
        score: expect.closeTo(0.65, 10),
        source: 'attention',
      },
      { start: 32, end: 37, text: 'fever', score: expect.closeTo(0.12, 10), source: 'attention' },
    ]);
    for (const span of spans) expect(text.slice(span.start, span.end)).toBe(span.text);
  });

  it('never merges across punctuation, a boundary or maxSpanWords, and honours maxEvidence', () => {
    const attention = [0, 0.2, 0.1, 0.1, 0.2, 0, 0.2, 0.2, 0, 0];
    expect(attentionEvidence(text, offsets, attention).map((s) => s.text)).toEqual([
      'Acute myocardial infarction', // 0.6
      'no fever', // 0.4: the comma separates it from 'infarction'
    ]);
    expect(attentionEvidence(text, offsets, attention, { maxSpanWords: 2 }).map((s) => s.text)).toEqual([
      'Acute myocardial',
      'no fever',
      'infarction',
    ]);
    // Equal masses keep text order.
    expect(attentionEvidence(text, offsets, attention, { boundaries: [17] }).map((s) => s.text)).toEqual([
      'Acute myocardial',
      'no fever',
      'infarction',
    ]);
    expect(attentionEvidence(text, offsets, attention, { maxEvidence: 1 })).toHaveLength(1);
    expect(
      attentionEvidence(
        text,
        offsets,
        attention.map(() => 0),
      ),
    ).toEqual([]);
  });

  it('folds WordPiece pieces of a real tokenizer, across windows, back onto whole words', () => {
    const vocab = [
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      'acute',
      'myo',
      '##cardial',
      'infarction',
      ',',
      'no',
      'fever',
      '.',
    ];
    const tokenizer = Tokenizer.fromVocab(vocab.join('\n'), { lowercase: true });
    const note = 'Acute myocardial infarction, no fever.';
    // windows of 5 (3 pieces + specials): [CLS] acute myo ##cardial [SEP] | [CLS] infarction , no [SEP] | [CLS] fever . [SEP]
    const windows = noteWindows(tokenizer, note, { windowLength: 5, stride: 0, maxWindows: undefined });
    expect(windows.windowCount).toBe(3);
    const attention = new Float32Array(windows.ids.length);
    attention[3] = 0.25; // ##cardial
    attention[6] = 0.5; // infarction, in the second window
    attention[12] = 0.25; // '.': no word, no evidence
    expect(attentionEvidence(note, windows.offsets, attention)).toEqual([
      { start: 6, end: 27, text: 'myocardial infarction', score: 0.75, source: 'attention' },
    ]);
  });

  it('rejects mismatched inputs', () => {
    const fails = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(IcdError.isInstance(error)).toBe(true);
        return;
      }
      throw new Error('did not throw');
    };
    fails(() => attentionEvidence(text, [0, 1, 2], [1]));
    fails(() => attentionEvidence(text, offsets, [1, 2]));
    fails(() => attentionEvidence(text, offsets, Array(10).fill(0), { minRelativeAttention: 2 }));
  });
});

describe('sentenceEvidence', () => {
  it('gives the ascending indices of the sentences spans overlap', () => {
    const text = 'Chest pain. No fever.\nKnown AF on apixaban. Dr. Smith saw him, p. ej. ayer.';
    // @icd/metrics' sentenceSpans: 'Chest pain.' [0, 11), 'No fever.' [12, 21), 'Known AF on apixaban.'
    // [22, 43), 'Dr.' [44, 47), 'Smith saw him, p. ej. ayer.' [48, 75) (no split before a lower-case word).
    expect(
      sentenceEvidence(text, [
        { start: 28, end: 30 },
        { start: 0, end: 5 },
        { start: 1, end: 3 },
      ]),
    ).toEqual([0, 2]);
    expect(sentenceEvidence(text, [{ start: 5, end: 15 }])).toEqual([0, 1]);
    expect(
      sentenceEvidence(text, [
        { start: 48, end: 53 },
        { start: 70, end: 74 },
      ]),
    ).toEqual([4]);
    expect(sentenceEvidence(text, [{ start: 11, end: 12 }])).toEqual([]); // only the space between
    expect(sentenceEvidence(text, [])).toEqual([]);
    expect(sentenceEvidence(text, [{ start: 0, end: 3 }], [{ start: 0, end: 75 }])).toEqual([0]);
    expect(() => sentenceEvidence(text, [{ start: 5, end: 100 }])).toThrow(/spans\[0\]/);
  });
});
