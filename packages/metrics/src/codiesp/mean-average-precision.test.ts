import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { meanAveragePrecision, meanAveragePrecisionDetails } from './mean-average-precision.js';

// The CodiEsp evaluation's own toy example: TeMU-BSC/codiesp-evaluation-script, files
// gold/toy_data/gs_D.tsv and system/toy_data/pred_D.tsv, whose README shows
// `python3 codiespD_P_evaluation.py -g gold/toy_data/gs_D.tsv -p system/toy_data/pred_D.tsv
// -c codiesp_codes/codiesp-D_codes.tsv` → "MAP estimate: 0.444". Rows transcribed in file order.
const toyGold: [string, string][] = [
  ['S0004-06142006000900013-1', 'q64.4'],
  ['S0004-06142006000900013-1', 'n39.0'],
  ['S0004-06142006000900013-1', 'z87.440'],
  ['S0210-48062005000700013-1', 'a53.9'],
  ['S0210-48062005000700013-1', 'n48.30'],
  ...Array.from({ length: 5 }, (): [string, string] => ['S1130-05582003000600004-2', 'm89.9']),
  ['S1130-05582003000600004-2', 'r52'],
  ['S1130-05582003000600004-2', 'd49.2'],
  ['S1130-05582003000600004-2', 'k02.9'],
  ['S1130-05582003000600004-2', 'k13.79'],
];
const toyPredictions: [string, string][] = [
  ['S0004-06142006000900013-1', 'q64.4'],
  ['S0004-06142006000900013-1', 'n48.30'],
  ['S0004-06142006000900013-1', 'CODE6'],
  ['S0004-06142006000900013-1', 'n39.0'],
  ['S0004-06142006000900013-1', 'z87.4'],
  ['S0004-06142006000900013-1', 'a53.9'],
  ['S0004-06142006000900013-1', 'CODE7'],
  ['S1130-05582003000600004-2', 'm89.9'],
  ['S1130-05582003000600004-2', 'a53.9'],
  ['S1130-05582003000600004-2', 'r52'],
  ['S1130-05582003000600004-2', 'n39.0'],
  ['S1130-05582003000600004-2', 'CODE3'],
  ['S1130-05582003000600004-2', 'CODE4'],
  ['S1130-05582003000600004-2', 'm89.9'],
  ['S1130-05582003000600004-2', 'CODE11'],
];
// The official list (codiesp-D_codes.tsv) is the ICD-10 diagnosis codes; the CODEn placeholders are
// not in it. Whether z87.4 is listed does not change the result (it is never gold).
const toyValidCodes = [
  'q64.4',
  'n39.0',
  'z87.440',
  'z87.4',
  'a53.9',
  'n48.30',
  'm89.9',
  'r52',
  'd49.2',
  'k02.9',
  'k13.79',
];

describe('meanAveragePrecision: CodiEsp official evaluation', () => {
  it('reproduces the toy example "MAP estimate: 0.444"', () => {
    const result = meanAveragePrecisionDetails(toyGold, toyPredictions, { validCodes: toyValidCodes });
    expect(result.score.toFixed(3)).toBe('0.444');
    // By hand: doc 1 ranks q64.4 (hit), n48.30, n39.0 (hit), z87.4, a53.9 → (1/1 + 2/3) / 3 = 5/9;
    // doc 3 ranks m89.9 (hit), a53.9, r52 (hit), n39.0 → (1/1 + 2/3) / 5 = 1/3; doc 2 has no prediction
    // and is not counted: (5/9 + 1/3) / 2 = 4/9.
    expect(result.score).toBeCloseTo(4 / 9, 15);
    expect(result.documentCount).toBe(2);
    expect(result.perDocument.get('S0004-06142006000900013-1')).toBeCloseTo(5 / 9, 15);
    expect(result.perDocument.get('S1130-05582003000600004-2')).toBeCloseTo(1 / 3, 15);
    expect(result.perDocument.get('S0210-48062005000700013-1')).toBe(0);
    expect(
      meanAveragePrecision(toyGold, toyPredictions, {
        validCodes: toyValidCodes.filter((code) => code !== 'z87.4'),
      }),
    ).toBeCloseTo(4 / 9, 15);
  });

  it("'allGoldDocuments' is the textbook mean over the three gold documents", () => {
    const result = meanAveragePrecisionDetails(toyGold, toyPredictions, {
      validCodes: toyValidCodes,
      averageOver: 'allGoldDocuments',
    });
    expect(result.score).toBeCloseTo(8 / 27, 15);
    expect(result.documentCount).toBe(3);
  });

  it('drops invalid codes before numbering ranks (not after)', () => {
    // Ranks after filtering: a00 → 1 (hit). Keeping the invalid code's slot would give 1/2.
    expect(meanAveragePrecision({ d: ['a00'] }, { d: ['zzz', 'a00'] }, { validCodes: ['a00'] })).toBe(1);
    expect(meanAveragePrecision({ d: ['a00'] }, { d: ['zzz', 'a00'] })).toBe(0.5);
  });

  it('lower-cases codes and keeps the best rank of a duplicate', () => {
    // A00 at rank 1, its duplicate dropped, b01 at rank 2: (1/1 + 2/2) / 2 = 1.
    expect(
      meanAveragePrecision(new Map([['d', ['a00', 'B01']]]), new Map([['d', ['A00', 'a00', 'b01']]])),
    ).toBe(1);
  });

  it('cuts at depth after filtering', () => {
    expect(meanAveragePrecision({ d: ['c'] }, { d: ['a', 'b', 'c'] }, { depth: 2 })).toBe(0);
    expect(meanAveragePrecision({ d: ['c'] }, { d: ['a', 'b', 'c'] }, { depth: 3 })).toBeCloseTo(1 / 3, 15);
  });

  it('counts a predicted document missing from the gold in the official denominator', () => {
    const gold = { d1: ['a'] };
    const ranked = { d1: ['a'], extra: ['a'] };
    expect(meanAveragePrecision(gold, ranked)).toBe(0.5);
    expect(meanAveragePrecision(gold, ranked, { averageOver: 'allGoldDocuments' })).toBe(1);
  });

  it('rejects bad input with the house message', () => {
    expect(() => meanAveragePrecision({}, { d: ['a'] })).toThrow(
      "Argument 'gold' passed to 'meanAveragePrecision' must be at least one document with a gold code, got \"none\"",
    );
    expect(() => meanAveragePrecision({ d: ['a'] }, { d: ['a'] }, { depth: 0 })).toThrow(
      "Argument 'depth' passed to 'meanAveragePrecision' must be an integer >= 1, got 0",
    );
    expect(() => meanAveragePrecision({ d: ['a'] }, [['d', 3]] as unknown as [string, string][])).toThrow(
      "Argument 'ranked' passed to 'meanAveragePrecision' must be string codes, got 3",
    );
  });
});

const sharedDir =
  process.env.ICD_SHARED_DIR ?? fileURLToPath(new URL('../../../../../shared', import.meta.url));
const devGoldPath = `${sharedDir}/data/codiesp/dev/devD.tsv`;
const hasShared = existsSync(devGoldPath);
if (!hasShared) console.warn(`[@icd/metrics] ${devGoldPath} not found: skipping the CodiEsp dev-gold test`);

describe.skipIf(!hasShared)('meanAveragePrecision on CodiEsp dev gold (../shared)', () => {
  it('scores the gold itself 1 and codes outside the gold 0', () => {
    const rows = readFileSync(devGoldPath, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.split('\t') as [string, string]);
    expect(meanAveragePrecision(rows, rows)).toBe(1);
    const shifted = rows.map(([document, code]): [string, string] => [document, `x${code}`]);
    expect(meanAveragePrecision(rows, shifted)).toBe(0);
  });
});
