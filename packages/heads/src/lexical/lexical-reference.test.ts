import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { decisionValues, fitOneVsRestLogistic, labelWeights } from './logistic-regression.js';
import { lexicalTokens, TfidfVectorizer } from './tfidf-vectorizer.js';

interface Rows {
  indices: number[];
  values: number[];
}
const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'lexical-reference.json'), 'utf8'),
) as {
  C: number;
  minDf: number;
  trainDocs: string[];
  trainLabels: string[][];
  testDocs: string[];
  codes: string[];
  vocabulary: string[];
  idf: number[];
  trainRows: Rows[];
  testRows: Rows[];
  coefficients: number[][];
  intercepts: number[];
  probabilities: number[][];
};

describe('TF-IDF and logistic regression against scikit-learn (fixtures/lexical-reference.json)', () => {
  const vectorizer = TfidfVectorizer.fit(reference.trainDocs, { minDf: reference.minDf });
  const train = vectorizer.transform(reference.trainDocs);
  const test = vectorizer.transform(reference.testDocs);

  it('tokenizes as token_pattern [^\\W_]+ over lower-cased text', () => {
    expect(lexicalTokens('HTN_on ÁRBOL, 8.2%')).toEqual([
      { text: 'htn', start: 0, end: 3 },
      { text: 'on', start: 4, end: 6 },
      { text: 'árbol', start: 7, end: 12 },
      { text: '8', start: 14, end: 15 },
      { text: '2', start: 16, end: 17 },
    ]);
    // scikit-learn lower-cases BEFORE matching: Python's 'İstanbul'.lower() is 'i' + U+0307 (a combining
    // mark, not \w) + 'stanbul', so re.findall(r'[^\W_]+', ...) gives ['i', 'stanbul'] (and 'İ9' → ['i', '9']).
    // Both pieces keep the offsets of the whole original word.
    expect(lexicalTokens('İstanbul İ9')).toEqual([
      { text: 'i', start: 0, end: 8 },
      { text: 'stanbul', start: 0, end: 8 },
      { text: 'i', start: 9, end: 11 },
      { text: '9', start: 9, end: 11 },
    ]);
  });

  it('finds no terms after min_df pruning like scikit-learn: a typed error, not an empty vocabulary', () => {
    // scikit-learn raises "After pruning, no terms remain" for these texts with min_df=2.
    expect(() => TfidfVectorizer.fit(['chest pain', 'fever'], { minDf: 2 })).toThrow(InvalidArgumentError);
    expect(() => TfidfVectorizer.fit(['', '...'], { minDf: 1 })).toThrow(/minDf/);
  });

  it('learns the same vocabulary and idf', () => {
    expect(vectorizer.vocabulary).toEqual(reference.vocabulary);
    for (const [column, idf] of reference.idf.entries()) expect(vectorizer.idf[column]).toBeCloseTo(idf, 12);
  });

  it('gives the same feature values, train and test (an empty text gives an empty row)', () => {
    for (const [matrix, rows] of [
      [train, reference.trainRows],
      [test, reference.testRows],
    ] as const) {
      rows.forEach((row, index) => {
        const start = matrix.rowStart[index]!;
        const end = matrix.rowStart[index + 1]!;
        expect([...matrix.indices.subarray(start, end)]).toEqual(row.indices);
        for (const [k, value] of row.values.entries()) expect(matrix.values[start + k]).toBeCloseTo(value, 6);
      });
    }
    expect(test.rowStart[4]! - test.rowStart[3]!).toBe(0);
  });

  it('fits the same one-vs-rest L2 logistic regressions (coefficients, intercepts, probabilities)', () => {
    const targets = reference.codes.map((code) =>
      Uint8Array.from(reference.trainLabels, (labels) => (labels.includes(code) ? 1 : 0)),
    );
    const model = fitOneVsRestLogistic(train, targets, {
      c: reference.C,
      tolerance: 1e-10,
      maxIterations: 5000,
    });
    const columns = reference.vocabulary.map((_, column) => column);
    reference.codes.forEach((_, label) => {
      const weights = labelWeights(model, label, columns);
      for (const [column, value] of reference.coefficients[label]!.entries())
        expect(weights[column]).toBeCloseTo(value, 4);
      expect(model.intercepts[label]).toBeCloseTo(reference.intercepts[label]!, 4);
    });
    const z = decisionValues(model, test);
    for (const [doc, row] of reference.probabilities.entries()) {
      for (const [label, probability] of row.entries()) {
        const logit = z[doc * reference.codes.length + label]!;
        expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(probability, 5);
      }
    }
  });
});
