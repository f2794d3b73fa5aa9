/** CodiEsp figures for one system: MAP (official and all documents) and the -50 metrics with bootstrap CIs. */
import type { NotePrediction } from '@icd/core';
import {
  bootstrapConfidenceInterval,
  f1Score,
  meanAveragePrecision,
  meanAveragePrecisionDetails,
  precisionAtK,
  rocAucScore,
  selectRows,
} from '@icd/metrics';

export interface Figures {
  readonly map: number;
  readonly mapAll: number;
  /** MAP (official) with its bootstrap interval over the documents it averages. */
  readonly mapCell: string;
  readonly micro: string;
  readonly macro: string;
  readonly auc: string;
  readonly p5: string;
  readonly raw: Record<string, number>;
}

export interface Gold {
  readonly id: string;
  readonly codes: readonly string[];
}

/** Dense `notes × top50` truth and scores (a code a prediction lacks scores 0). */
export function matrices(
  gold: readonly Gold[],
  predictions: readonly NotePrediction[],
  top50: readonly string[],
) {
  const column = new Map(top50.map((code, index) => [code, index]));
  const truth = new Float64Array(gold.length * top50.length);
  const scores = new Float64Array(gold.length * top50.length);
  const predicted = new Float64Array(gold.length * top50.length);
  gold.forEach((note, row) => {
    for (const code of note.codes) {
      const col = column.get(code);
      if (col !== undefined) truth[row * top50.length + col] = 1;
    }
    for (const code of predictions[row]!.ranked) {
      const col = column.get(code.code);
      if (col === undefined) continue;
      scores[row * top50.length + col] = code.score;
      predicted[row * top50.length + col] = code.predicted ? 1 : 0;
    }
  });
  const shape = { rows: gold.length, cols: top50.length };
  return {
    truth: { data: truth, ...shape },
    scores: { data: scores, ...shape },
    predicted: { data: predicted, ...shape },
  };
}

const f3 = (value: number) => value.toFixed(3);

export function figures(
  gold: readonly Gold[],
  predictions: readonly NotePrediction[],
  top50: readonly string[],
  resamples = 200,
): Figures {
  const goldMap = new Map(gold.map((note) => [note.id, note.codes]));
  const ranked = new Map(predictions.map((p) => [p.noteId, p.ranked.map((code) => code.code)]));
  const { truth, scores, predicted } = matrices(gold, predictions, top50);
  const stats = {
    micro: (rows: Uint32Array | null) =>
      f1Score(rows ? selectRows(truth, rows) : truth, rows ? selectRows(predicted, rows) : predicted, {
        average: 'micro',
        zeroDivision: 0,
      }),
    macro: (rows: Uint32Array | null) =>
      f1Score(rows ? selectRows(truth, rows) : truth, rows ? selectRows(predicted, rows) : predicted, {
        average: 'macro',
        zeroDivision: 0,
      }),
    auc: (rows: Uint32Array | null) =>
      rocAucScore(rows ? selectRows(truth, rows) : truth, rows ? selectRows(scores, rows) : scores, {
        average: 'macro',
        undefinedLabels: 'skip',
      }),
    p5: (rows: Uint32Array | null) =>
      precisionAtK(rows ? selectRows(truth, rows) : truth, rows ? selectRows(scores, rows) : scores, 5),
  };
  const cell = (name: keyof typeof stats) => {
    const interval = bootstrapConfidenceInterval(gold.length, (rows) => stats[name](rows), {
      resamples,
      seed: 1,
    });
    return `${f3(interval.estimate)} [${f3(interval.lower)}, ${f3(interval.upper)}]`;
  };
  // MAP's interval: the mean of per-document AP over resamples of the documents it averages.
  const details = meanAveragePrecisionDetails(goldMap, ranked);
  const perDocument = [...details.perDocument.entries()]
    .filter(([id]) => ranked.has(id) && (ranked.get(id)?.length ?? 0) > 0)
    .map(([, ap]) => ap);
  const mapInterval =
    perDocument.length > 1
      ? bootstrapConfidenceInterval(
          perDocument.length,
          (rows) => {
            let sum = 0;
            for (const row of rows) sum += perDocument[row]!;
            return sum / rows.length;
          },
          { resamples, seed: 1 },
        )
      : undefined;
  const raw = {
    map: meanAveragePrecision(goldMap, ranked),
    mapAll: meanAveragePrecision(goldMap, ranked, { averageOver: 'allGoldDocuments' }),
    micro: stats.micro(null),
    macro: stats.macro(null),
    auc: stats.auc(null),
    p5: stats.p5(null),
  };
  return {
    map: raw.map,
    mapAll: raw.mapAll,
    mapCell:
      mapInterval === undefined
        ? f3(raw.map)
        : `${f3(raw.map)} [${f3(mapInterval.lower)}, ${f3(mapInterval.upper)}]`,
    micro: cell('micro'),
    macro: cell('macro'),
    auc: cell('auc'),
    p5: cell('p5'),
    raw,
  };
}

/** CodiEsp run format: `docid<TAB>code<TAB>score`, best first within each document. */
export function runFile(predictions: readonly NotePrediction[]): string {
  const lines: string[] = [];
  for (const prediction of predictions)
    for (const code of prediction.ranked)
      lines.push(`${prediction.noteId}\t${code.code}\t${code.score.toPrecision(6)}`);
  return `${lines.join('\n')}\n`;
}
