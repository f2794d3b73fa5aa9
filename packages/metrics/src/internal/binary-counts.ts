/**
 * The sufficient statistics of every threshold metric of one binary problem: the scores of the
 * positives and of the negatives, each sorted ascending. Sorting two plain `Float64Array`s with the
 * engine's native numeric sort is several times faster than an index argsort with a comparator, and
 * ties need no order: every tie group becomes one threshold, as in scikit-learn's `_binary_clf_curve`.
 */
export interface SortedBinaryScores {
  readonly positive: Float64Array;
  readonly negative: Float64Array;
}

/** Reusable buffers for {@link splitColumn}, so that a loop over labels allocates nothing. */
export class ScoreBuffers {
  readonly positive: Float64Array;
  readonly negative: Float64Array;
  constructor(size: number) {
    this.positive = new Float64Array(size);
    this.negative = new Float64Array(size);
  }
}

/**
 * Splits column `col` (or the whole vector when `cols` is 1) into sorted positive and negative scores.
 * `isPositive[index]` is 1 for a positive.
 */
export function splitColumn(
  isPositive: ArrayLike<number>,
  scores: ArrayLike<number>,
  rows: number,
  cols: number,
  col: number,
  buffers: ScoreBuffers = new ScoreBuffers(rows),
): SortedBinaryScores {
  let positives = 0;
  let negatives = 0;
  for (let row = 0, index = col; row < rows; row++, index += cols) {
    if (isPositive[index] === 1) buffers.positive[positives++] = scores[index] as number;
    else buffers.negative[negatives++] = scores[index] as number;
  }
  return {
    positive: buffers.positive.subarray(0, positives).sort(),
    negative: buffers.negative.subarray(0, negatives).sort(),
  };
}

/**
 * Area under the ROC curve by the trapezoidal rule over distinct thresholds (scikit-learn's
 * `auc(*roc_curve(...)[:2])`): walking thresholds from high to low, each tie group adds
 * `Δfp · (tp_before + tp_after) / 2`, so a positive tied with a negative counts one half. The area is
 * accumulated in integer counts and normalised once by `P · N`. Returns NaN when P or N is 0.
 */
export function areaUnderRoc({ positive, negative }: SortedBinaryScores): number {
  const positiveCount = positive.length;
  const negativeCount = negative.length;
  if (positiveCount === 0 || negativeCount === 0) return Number.NaN;
  let positiveIndex = positiveCount - 1;
  let negativeIndex = negativeCount - 1;
  let truePositives = 0;
  let area = 0;
  while (negativeIndex >= 0) {
    const topPositive = positiveIndex >= 0 ? (positive[positiveIndex] as number) : Number.NEGATIVE_INFINITY;
    const topNegative = negative[negativeIndex] as number;
    const threshold = Math.max(topPositive, topNegative);
    let newPositives = 0;
    while (positiveIndex >= 0 && positive[positiveIndex] === threshold) {
      newPositives++;
      positiveIndex--;
    }
    let newNegatives = 0;
    while (negativeIndex >= 0 && negative[negativeIndex] === threshold) {
      newNegatives++;
      negativeIndex--;
    }
    // Twice the trapezoid, to stay in integers.
    area += newNegatives * (2 * truePositives + newPositives);
    truePositives += newPositives;
  }
  return area / (2 * positiveCount * negativeCount);
}

/**
 * Non-interpolated average precision (scikit-learn's `average_precision_score`):
 * `AP = Σ_k (R_k − R_{k−1}) · P_k` over distinct thresholds from high to low. A problem without
 * positives scores 0, as in scikit-learn 1.2.
 */
export function averagePrecisionOf({ positive, negative }: SortedBinaryScores): number {
  const positiveCount = positive.length;
  if (positiveCount === 0) return 0;
  let positiveIndex = positiveCount - 1;
  let negativeIndex = negative.length - 1;
  let truePositives = 0;
  let falsePositives = 0;
  let sum = 0;
  while (positiveIndex >= 0) {
    const topPositive = positive[positiveIndex] as number;
    const topNegative = negativeIndex >= 0 ? (negative[negativeIndex] as number) : Number.NEGATIVE_INFINITY;
    const threshold = Math.max(topPositive, topNegative);
    let newPositives = 0;
    while (positiveIndex >= 0 && positive[positiveIndex] === threshold) {
      newPositives++;
      positiveIndex--;
    }
    while (negativeIndex >= 0 && negative[negativeIndex] === threshold) {
      falsePositives++;
      negativeIndex--;
    }
    truePositives += newPositives;
    if (newPositives > 0)
      sum += (newPositives / positiveCount) * (truePositives / (truePositives + falsePositives));
  }
  return sum;
}

/** Cumulative counts at each distinct threshold, thresholds descending (scikit-learn's `_binary_clf_curve`). */
export interface ThresholdCounts {
  readonly thresholds: Float64Array;
  readonly truePositives: Float64Array;
  readonly falsePositives: Float64Array;
}

/** Lists every distinct threshold with the tp and fp counts of `score >= threshold`. */
export function thresholdCounts({ positive, negative }: SortedBinaryScores): ThresholdCounts {
  const thresholds: number[] = [];
  const truePositiveList: number[] = [];
  const falsePositiveList: number[] = [];
  let positiveIndex = positive.length - 1;
  let negativeIndex = negative.length - 1;
  let truePositives = 0;
  let falsePositives = 0;
  while (positiveIndex >= 0 || negativeIndex >= 0) {
    const topPositive = positiveIndex >= 0 ? (positive[positiveIndex] as number) : Number.NEGATIVE_INFINITY;
    const topNegative = negativeIndex >= 0 ? (negative[negativeIndex] as number) : Number.NEGATIVE_INFINITY;
    const threshold = Math.max(topPositive, topNegative);
    while (positiveIndex >= 0 && positive[positiveIndex] === threshold) {
      truePositives++;
      positiveIndex--;
    }
    while (negativeIndex >= 0 && negative[negativeIndex] === threshold) {
      falsePositives++;
      negativeIndex--;
    }
    thresholds.push(threshold);
    truePositiveList.push(truePositives);
    falsePositiveList.push(falsePositives);
  }
  return {
    thresholds: Float64Array.from(thresholds),
    truePositives: Float64Array.from(truePositiveList),
    falsePositives: Float64Array.from(falsePositiveList),
  };
}

// Scratch space reused across calls (JavaScript runs one call at a time), so scoring 2,500 labels
// allocates two buffers instead of 5,000.
let positiveScratch = new Float64Array(0);
let negativeScratch = new Float64Array(0);

/** Splits a contiguous column into (unsorted) positive and negative scores in the scratch buffers. */
function splitIntoScratch(isPositive: ArrayLike<number>, scores: ArrayLike<number>): [number, number] {
  const length = scores.length;
  if (positiveScratch.length < length) {
    positiveScratch = new Float64Array(length);
    negativeScratch = new Float64Array(length);
  }
  let positives = 0;
  let negatives = 0;
  for (let index = 0; index < length; index++) {
    if (isPositive[index] === 1) positiveScratch[positives++] = scores[index] as number;
    else negativeScratch[negatives++] = scores[index] as number;
  }
  return [positives, negatives];
}

/** First index whose value is `>= value` (or `> value` when `strict`), in ascending `sorted`. */
function bound(sorted: Float64Array, value: number, strict: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const entry = sorted[middle] as number;
    if (entry < value || (strict && entry === value)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * ROC AUC of one contiguous column, equal to {@link areaUnderRoc} (the same integer count of
 * concordant pairs, ties counting ½) but faster on sparse labels: only the smaller class is sorted,
 * and each member of the larger class is placed in it by binary search, O(n log min(P, N)) instead of
 * sorting every score. Returns NaN when P or N is 0.
 */
export function rocAucOfColumn(isPositive: ArrayLike<number>, scores: ArrayLike<number>): number {
  const [positives, negatives] = splitIntoScratch(isPositive, scores);
  if (positives === 0 || negatives === 0) return Number.NaN;
  const positiveIsSmaller = positives <= negatives;
  const sorted = (
    positiveIsSmaller ? positiveScratch.subarray(0, positives) : negativeScratch.subarray(0, negatives)
  ).sort();
  const others = positiveIsSmaller ? negativeScratch : positiveScratch;
  const otherCount = positiveIsSmaller ? negatives : positives;
  let twiceArea = 0;
  for (let index = 0; index < otherCount; index++) {
    const value = others[index] as number;
    const below = bound(sorted, value, false);
    const tied = bound(sorted, value, true) - below;
    // Twice the pair count: 2 per concordant pair, 1 per tie.
    twiceArea += positiveIsSmaller ? 2 * (positives - below - tied) + tied : 2 * below + tied;
  }
  return twiceArea / (2 * positives * negatives);
}

/** Average precision of one contiguous column ({@link averagePrecisionOf} on its sorted classes). */
export function averagePrecisionOfColumn(isPositive: ArrayLike<number>, scores: ArrayLike<number>): number {
  const [positives, negatives] = splitIntoScratch(isPositive, scores);
  return averagePrecisionOf({
    positive: positiveScratch.slice(0, positives).sort(),
    negative: negativeScratch.slice(0, negatives).sort(),
  });
}
