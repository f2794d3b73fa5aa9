import { describe, expect, it } from 'vitest';
import { scoreRows } from './evaluate.js';

describe('scoreRows', () => {
  it('single-label: accuracy and micro-F1 of the arg-max, macro-AUC, MAP — computed by hand', () => {
    const classes = ['A', 'B', 'C'];
    const gold = [['A'], ['B'], ['C'], ['A']];
    const scores = [
      [0.7, 0.2, 0.1], // A ✓
      [0.5, 0.4, 0.1], // A ✗ (gold B, ranked 2nd)
      [0.1, 0.3, 0.6], // C ✓
      [0.2, 0.5, 0.3], // B ✗ (gold A, ranked 3rd)
    ];
    const metrics = scoreRows(gold, scores, classes, { multiLabel: false });
    expect(metrics.accuracy).toBe(0.5);
    expect(metrics.microF1).toBe(0.5); // single-label: micro-F1 = accuracy
    // AUC per class (positives vs negatives, pairs ranked right / all pairs):
    // A: pos {0.7, 0.2}, neg {0.5, 0.1}: pairs (0.7>0.5 ✓, 0.7>0.1 ✓, 0.2>0.5 ✗, 0.2>0.1 ✓) = 3/4
    // B: pos {0.4}, neg {0.2, 0.3, 0.5}: 2/3;  C: pos {0.6}, neg {0.1, 0.1, 0.3}: 3/3
    expect(metrics.macroAuc).toBeCloseTo((3 / 4 + 2 / 3 + 1) / 3, 12);
    // MAP: APs 1, 1/2, 1, 1/3.
    expect(metrics.map).toBeCloseTo((1 + 1 / 2 + 1 + 1 / 3) / 4, 12);
    expect(metrics.notes).toBe(4);
  });

  it('multi-label: subset accuracy and micro-F1 of the predicted sets', () => {
    const classes = ['A', 'B'];
    const gold = [['A', 'B'], ['B']];
    const predicted = [['A'], ['B']];
    const metrics = scoreRows(
      gold,
      [
        [0.9, 0.4],
        [0.2, 0.8],
      ],
      classes,
      { multiLabel: true, predicted },
    );
    expect(metrics.accuracy).toBe(0.5);
    // TP 2, FP 0, FN 1: F1 = 2·2 / (2·2 + 0 + 1) = 0.8
    expect(metrics.microF1).toBeCloseTo(0.8, 12);
  });
});
