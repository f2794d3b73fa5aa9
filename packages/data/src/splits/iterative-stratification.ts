import type { SeededRandom } from '../random/seeded-random.js';

/**
 * Iterative stratification for multi-label data (Sechidis, Tsoumakas & Vlahavas, "On the stratification
 * of multi-label data", ECML PKDD 2011, Algorithm 1). Returns the part index of every item.
 *
 * 1. Desired items per part c_j = |D|·r_j and, per label i, c_j^i = |D^i|·r_j.
 * 2. Take the label with the fewest items still unassigned (ties: random). For each of its items (in a
 *    seeded random order), choose the part with the largest c_j^i (ties: largest c_j, then random), assign
 *    the item there and decrement c_j and c_j^λ for every label λ of the item.
 * 3. Items with no label go to the part with the largest c_j.
 */
export function iterativeStratification(
  labelsOf: readonly (readonly string[])[],
  shares: readonly number[],
  random: SeededRandom,
): Int32Array {
  const parts = shares.length;
  const partOf = new Int32Array(labelsOf.length).fill(-1);
  const labelIndex = new Map<string, number>();
  const itemsOf: number[][] = [];
  labelsOf.forEach((labels, item) => {
    for (const label of new Set(labels)) {
      let index = labelIndex.get(label);
      if (index === undefined) {
        index = itemsOf.length;
        labelIndex.set(label, index);
        itemsOf.push([]);
      }
      itemsOf[index]!.push(item);
    }
  });
  const labelCount = itemsOf.length;
  const desired = Float64Array.from(shares, (share) => share * labelsOf.length);
  const desiredPerLabel = new Float64Array(labelCount * parts);
  const remaining = new Int32Array(labelCount);
  itemsOf.forEach((items, label) => {
    remaining[label] = items.length;
    for (let part = 0; part < parts; part++)
      desiredPerLabel[label * parts + part] = items.length * shares[part]!;
  });
  const itemLabels = labelsOf.map((labels) => [...new Set(labels)].map((label) => labelIndex.get(label)!));

  const assign = (item: number, part: number) => {
    partOf[item] = part;
    desired[part]!--;
    for (const label of itemLabels[item]!) {
      desiredPerLabel[label * parts + part]!--;
      remaining[label]!--;
    }
  };
  const bestPart = (score: (part: number) => number) => {
    let best: number[] = [];
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let part = 0; part < parts; part++) {
      const value = score(part);
      if (value > bestScore + 1e-9) {
        bestScore = value;
        best = [part];
      } else if (Math.abs(value - bestScore) <= 1e-9) best.push(part);
    }
    return best;
  };

  for (;;) {
    // The label with the fewest unassigned items, ties broken at random.
    let fewest = Number.POSITIVE_INFINITY;
    let candidates: number[] = [];
    for (let label = 0; label < labelCount; label++) {
      const count = remaining[label]!;
      if (count === 0) continue;
      if (count < fewest) {
        fewest = count;
        candidates = [label];
      } else if (count === fewest) candidates.push(label);
    }
    if (candidates.length === 0) break;
    const label = random.pick(candidates);
    const items = random.shuffle(itemsOf[label]!.filter((item) => partOf[item] === -1));
    for (const item of items) {
      let best = bestPart((part) => desiredPerLabel[label * parts + part]!);
      if (best.length > 1) {
        const tied = best;
        best = bestPart((part) => (tied.includes(part) ? desired[part]! : Number.NEGATIVE_INFINITY));
      }
      assign(item, random.pick(best));
    }
  }
  labelsOf.forEach((_, item) => {
    if (partOf[item] !== -1) return;
    assign(item, random.pick(bestPart((part) => desired[part]!)));
  });
  return partOf;
}
