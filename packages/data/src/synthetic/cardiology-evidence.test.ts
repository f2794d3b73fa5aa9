import { createHash } from 'node:crypto';
import type { ClinicalNote } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { MDR_BERT_CODES } from '../icd/mdr-bert-codes.js';
import { CARDIOLOGY_PROFILES } from './cardiology-profiles.js';
import {
  type GenerateCardiologyCorpusOptions,
  generateCardiologyCorpus,
} from './generate-cardiology-corpus.js';

const profileOf = (code: string) =>
  CARDIOLOGY_PROFILES[MDR_BERT_CODES.find((label) => label.code === code)!.abbreviation]!;
const section = (note: ClinicalNote, title: string) => {
  const found = note.sections!.find((s) => s.title === title);
  return found && { start: found.start + title.length + 2, end: found.end };
};
const evidenceTexts = (note: ClinicalNote) => note.evidence!.map((e) => e.text);

describe('generateCardiologyCorpus evidence', () => {
  it('leaves every field it wrote before evidence unchanged for the same options', () => {
    // SHA-256 of JSON.stringify(notes) from the generator at commit 4dc607b, before it recorded
    // evidence (the same notes minus the new `evidence` field must hash the same).
    const before: [GenerateCardiologyCorpusOptions, string][] = [
      [{ size: 40, seed: 1 }, 'a17bdedbd26240a745dbb647168d4af271e29442a5ada3d3e1561242c81de453'],
      [
        { size: 40, seed: 7, labelNoise: 0.3, overlap: 0.5, atypical: 0.4, explicitDiagnosis: 0.3 },
        '375405d547af04c95b80fa9270da44364b6ce263bf750227f37a0cf8b8c046f0',
      ],
      [
        { size: 15, seed: 3, words: [20, 3000] },
        'cefa63948ca277f52698b8c546fff075fe9589874e03958f3e9299cbba69a892',
      ],
    ];
    for (const [options, hash] of before) {
      const notes = generateCardiologyCorpus(options).map(({ evidence, ...rest }) => rest);
      expect(createHash('sha256').update(JSON.stringify(notes)).digest('hex')).toBe(hash);
    }
  });

  it('records sentence spans of the true code, in text order, inside one section each', () => {
    const notes = generateCardiologyCorpus({ size: 200, seed: 5, labelNoise: 0.2 });
    let total = 0;
    for (const note of notes) {
      let previousEnd = 0;
      for (const entry of note.evidence!) {
        expect(entry.code).toBe(note.metadata!.trueCode);
        expect(entry.kind).toBe('diagnosis');
        expect(entry.spans).toHaveLength(1);
        const span = entry.spans[0]!;
        expect(span.start).toBeGreaterThanOrEqual(previousEnd);
        expect(span.end).toBeGreaterThan(span.start);
        previousEnd = span.end;
        expect(note.text.slice(span.start, span.end)).toBe(entry.text);
        // A sentence: starts upper case (or a digit / letter of an abbreviation), ends with a full stop.
        expect(entry.text).toMatch(/^[A-Z0-9]/);
        expect(entry.text.endsWith('.')).toBe(true);
        expect(
          note.sections!.some((s) => s.start + s.title.length + 2 <= span.start && span.end <= s.end),
        ).toBe(true);
        total++;
      }
    }
    expect(total).toBeGreaterThan(1000);
    // A noisy note keeps the evidence of what it really says, not of its corrupted label.
    const noisy = notes.find((note) => note.metadata!.noisy === true && note.evidence!.length > 0)!;
    expect(noisy.evidence![0]!.code).not.toBe(noisy.codes[0]);
  });

  it('marks the presenting complaint and a naming discharge diagnosis, never negations or differentials', () => {
    // No overlap and no atypical presentation: every finding is the true class's, so the presenting
    // complaint (one finding sentence) and the diagnosis (always explicit here) are evidence.
    const notes = generateCardiologyCorpus({
      size: 60,
      seed: 9,
      overlap: 0,
      atypical: 0,
      explicitDiagnosis: 1,
    });
    for (const note of notes) {
      const texts = evidenceTexts(note);
      const complaint = section(note, 'Presenting complaint')!;
      expect(texts).toContain(note.text.slice(complaint.start, complaint.end));
      const diagnosis = section(note, 'Discharge diagnosis')!;
      const named = note.text.slice(diagnosis.start, diagnosis.end);
      expect(texts.at(-1)).toBe(named);
      const names = profileOf(note.codes[0]!).names.map(
        (name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}.`,
      );
      expect(names).toContain(named);
      for (const text of texts) {
        expect(text).not.toMatch(/ denied |was ruled out|No evidence of|^Known /);
      }
      for (const title of ['Past medical history', 'Medications on admission', 'Differential diagnosis']) {
        const part = section(note, title);
        if (part === undefined) continue;
        for (const entry of note.evidence!)
          expect(entry.spans[0]!.end <= part.start || entry.spans[0]!.start >= part.end).toBe(true);
      }
    }
  });

  it('has no evidence when every finding comes from another class and the diagnosis is vague', () => {
    for (const options of [
      { overlap: 1, atypical: 0 },
      { overlap: 0, atypical: 1 },
    ]) {
      const notes = generateCardiologyCorpus({ size: 40, seed: 3, explicitDiagnosis: 0, ...options });
      for (const note of notes) expect(note.evidence).toEqual([]);
    }
    // ... and only the diagnosis when it names the disease.
    const named = generateCardiologyCorpus({ size: 40, seed: 3, explicitDiagnosis: 1, overlap: 1 });
    for (const note of named) {
      const diagnosis = section(note, 'Discharge diagnosis')!;
      expect(note.evidence!.map((e) => e.spans[0])).toEqual([diagnosis]);
    }
  });

  it('marks only the finding sentence of a progress day, not the plans after it', () => {
    const notes = generateCardiologyCorpus({
      size: 80,
      seed: 21,
      words: [900, 1500],
      overlap: 0,
      atypical: 0,
    });
    let days = 0;
    for (const note of notes) {
      const progress = section(note, 'Progress');
      if (progress === undefined) continue;
      for (const entry of note.evidence!) {
        const span = entry.spans[0]!;
        if (span.start < progress.start || span.end > progress.end) continue;
        // "Day N: <finding>. <plan>. ..." — the span starts right after "Day N: " and stops at its full stop.
        expect(note.text.slice(span.start - 8, span.start)).toMatch(/Day \d+: $/);
        expect(entry.text.slice(0, -1)).not.toContain('. ');
        days++;
      }
    }
    expect(days).toBeGreaterThan(50);
  });
});
