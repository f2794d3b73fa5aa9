import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { removePII } from '@coffeeandfun/remove-pii';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../../test/shared-dir.js';
import { evaluateRedaction, parsePlantedNotes } from './evaluate-redaction.js';
import { redactPhi } from './redact-phi.js';

const load = (name: string) => {
  const file = join(packageDir, 'fixtures', 'deid', name);
  return parsePlantedNotes(readFileSync(file, 'utf8'), file);
};
const tuning = load('planted-notes.txt');
const holdout = load('planted-notes-holdout.txt');
const upperEnglish = load('planted-notes-holdout-upper-en.txt');
const spanish = load('planted-notes-holdout-es.txt');
const frozen = load('planted-notes-holdout-wave2.txt');
const ours = (text: string) => redactPhi(text).text;
// The two maintained npm libraries for free-text PII we compare with (devDependencies, not shipped).
const { SyncRedactor } = createRequire(import.meta.url)('redact-pii') as {
  SyncRedactor: new () => { redact(text: string): string };
};
const redactPii = new SyncRedactor();

describe('parsePlantedNotes and evaluateRedaction', () => {
  it('parse marks into spans', () => {
    const [note] = parsePlantedNotes('# c\n=== n1\nSeen by Dr [[NAME|Ann Lee]], {{5 mg}} bd.');
    expect(note).toEqual({
      id: 'n1',
      text: 'Seen by Dr Ann Lee, 5 mg bd.',
      identifiers: [{ start: 11, end: 18, type: 'NAME' }],
      facts: [{ start: 20, end: 24 }],
    });
  });

  it('scores a hand-checked case: one of two identifiers leaked, one removed word outside them, fact damaged', () => {
    const notes = parsePlantedNotes('=== n\n[[NAME|Ann Lee]] on [[DATE|3 May 2021]] took {{5 mg}}');
    // Output keeps "3 May 2021"; removes Ann, Lee, took and the 5 of "5 mg".
    const result = evaluateRedaction(notes, () => '[X] on 3 May 2021 [Y] mg');
    expect(result.recall).toBe(1 / 2);
    expect(result.precision).toBe(2 / 4);
    expect(result.factSurvival).toBe(0);
    expect(result.missed).toEqual([{ id: 'n', type: 'DATE', text: '3 May 2021' }]);
  });

  it('the test sets are as documented', () => {
    expect([tuning.length, tuning.reduce((sum, note) => sum + note.identifiers.length, 0)]).toEqual([
      40, 112,
    ]);
    expect([holdout.length, holdout.reduce((sum, note) => sum + note.identifiers.length, 0)]).toEqual([
      20, 53,
    ]);
    const counts = (notes: typeof tuning) => [
      notes.length,
      notes.reduce((sum, note) => sum + note.identifiers.length, 0),
      notes.reduce((sum, note) => sum + note.facts.length, 0),
    ];
    expect(counts(upperEnglish)).toEqual([20, 37, 50]);
    expect(counts(spanish)).toEqual([25, 44, 47]);
    expect(counts(frozen)).toEqual([20, 39, 42]);
  });
});

describe('redactPhi on the planted test sets (figures in docs/benchmarks/data.md)', () => {
  it('tuning set (rules were written against it): recall 1.00, precision ≥ 0.99, every fact survives', () => {
    const result = evaluateRedaction(tuning, ours);
    expect(result.missed).toEqual([]);
    expect(result.precision).toBeGreaterThanOrEqual(0.99);
    expect(result.damagedFacts).toEqual([]);
  });

  it('held-out set (scored once after tuning): recall ≥ 0.85, precision ≥ 0.95, every fact survives', () => {
    const result = evaluateRedaction(holdout, ours);
    // Measured: recall 46/53 = 0.868, precision 0.956, fact survival 81/81.
    expect(result.recall).toBeGreaterThanOrEqual(0.85);
    expect(result.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.factSurvival).toBe(1);
  });

  // Written before the wave-2 rules; the wave-1 rules scored recall 0.432 / 0.227 on them. The wave-2
  // rules were then written with these sets in view, so their figures are an upper bound, like the tuning
  // set's; planted-notes-holdout-wave2.txt (written after the rules were frozen) is the estimate.
  it('wave-2 sets, upper-case English and Spanish (language es): recall ≥ 0.95, precision ≥ 0.95, facts survive', () => {
    for (const [notes, language] of [
      [upperEnglish, 'en'],
      [spanish, 'es'],
    ] as const) {
      const result = evaluateRedaction(notes, (text) => redactPhi(text, { language }).text);
      expect(result.recall).toBeGreaterThanOrEqual(0.95);
      expect(result.precision).toBeGreaterThanOrEqual(0.95);
      expect(result.factSurvival).toBe(1);
    }
  });

  it('wave-2 set written after the rules were frozen, per language: recall ≥ 0.9, precision ≥ 0.95, facts survive', () => {
    for (const language of ['en', 'es'] as const) {
      const notes = frozen.filter((note) => note.id.startsWith(`w-${language}-`));
      const result = evaluateRedaction(notes, (text) => redactPhi(text, { language }).text);
      // Measured once: recall 19/19 (en) and 20/20 (es), precision 1.000, every fact kept.
      expect(result.recall).toBeGreaterThanOrEqual(0.9);
      expect(result.precision).toBeGreaterThanOrEqual(0.95);
      expect(result.factSurvival).toBe(1);
    }
  });

  it('beats redact-pii 3.4.0 and @coffeeandfun/remove-pii 3.0.1 on recall and fact survival', () => {
    for (const notes of [tuning, holdout]) {
      const mine = evaluateRedaction(notes, ours);
      const library = evaluateRedaction(notes, (text) => redactPii.redact(text));
      const removePii = evaluateRedaction(notes, (text) => removePII(text));
      // Measured on the held-out set: redact-pii recall 0.34, remove-pii 0.17 (dates, ages, addresses missed).
      expect(library.recall).toBeLessThan(0.4);
      expect(removePii.recall).toBeLessThan(0.4);
      expect(mine.recall - Math.max(library.recall, removePii.recall)).toBeGreaterThan(0.4);
      expect(mine.factSurvival).toBeGreaterThanOrEqual(
        Math.max(library.factSurvival, removePii.factSurvival),
      );
    }
  });
});
