/**
 * Scores a CodiEsp-D prediction file (`id<TAB>code` or `id<TAB>code<TAB>score` rows, each document's codes best first, as the shared
 * task's submissions) against the dev gold standard, with the official MAP and the textbook MAP over all
 * gold documents, and set metrics for the top 5 codes of each document.
 *
 * Run: `pnpm --filter @icd/example-quickstart score <predictions.tsv> [codiesp dir]`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFormatError } from '@icd/core';
import { isIcd10CmCode, normalizeIcd10Code } from '@icd/data';
import { loadCodiesp } from '@icd/data/node';
import { meanAveragePrecisionDetails, precisionRecallFscoreSupport } from '@icd/metrics';

export async function scorePredictionFile(file: string, codiespDir: string): Promise<void> {
  const rows: [string, string][] = [];
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const [id, code, ...rest] = line.split('\t');
    // An optional third column holds the score (`icd predict --format codiesp`); the order is the ranking.
    if (
      id === undefined ||
      code === undefined ||
      rest.length > 1 ||
      (rest.length === 1 && !Number.isFinite(Number(rest[0])))
    ) {
      throw new DataFormatError({
        file,
        line: index + 1,
        message: `expected "id<TAB>code" or "id<TAB>code<TAB>score", got ${JSON.stringify(line)}`,
      });
    }
    rows.push([id, code]);
  });
  const gold = new Map<string, string[]>();
  for await (const note of loadCodiesp(codiespDir, { split: 'dev', track: 'D' }))
    gold.set(note.id, [...note.codes]);
  // The official evaluation drops codes outside the task's code list; offline we check the ICD-10-CM shape.
  const validCodes = new Set(
    rows.map(([, code]) => code.toLowerCase()).filter((code) => isIcd10CmCode(code)),
  );
  for (const codes of gold.values()) for (const code of codes) validCodes.add(code.toLowerCase());
  const official = meanAveragePrecisionDetails(gold, rows, { validCodes, averageOver: 'codiespOfficial' });
  const allGold = meanAveragePrecisionDetails(gold, rows, { validCodes, averageOver: 'allGoldDocuments' });
  console.log(
    `MAP (CodiEsp official: mean over ${official.documentCount} predicted documents) ${official.score.toFixed(4)}`,
  );
  console.log(
    `MAP (mean over all ${allGold.documentCount} gold documents)               ${allGold.score.toFixed(4)}`,
  );

  // Set metrics on each document's 5 best codes, as multi-label indicator matrices.
  const top = new Map<string, string[]>();
  for (const [id, code] of rows) {
    const codes = top.get(id) ?? [];
    const normalized = isIcd10CmCode(code) ? normalizeIcd10Code(code) : undefined;
    if (normalized !== undefined && codes.length < 5 && !codes.includes(normalized)) codes.push(normalized);
    top.set(id, codes);
  }
  const ids = [...gold.keys()];
  const labels = [...new Set([...gold.values(), ...top.values()].flat())].sort();
  const column = new Map(labels.map((code, index) => [code, index]));
  const indicator = (codesOf: Map<string, string[]>) =>
    ids.map((id) => {
      const row = new Array<number>(labels.length).fill(0);
      for (const code of codesOf.get(id) ?? []) row[column.get(code)!] = 1;
      return row;
    });
  const micro = precisionRecallFscoreSupport(indicator(gold), indicator(top), { average: 'micro' });
  console.log(
    `top-5 codes per document: micro P ${micro.precision.toFixed(4)}  R ${micro.recall.toFixed(4)}  F1 ${micro.fScore.toFixed(4)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, dir] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: score-codiesp <predictions.tsv> [codiesp dir, default ../shared/data/codiesp]');
    process.exit(2);
  }
  // `pnpm --filter ... score <path>` runs in the package folder; INIT_CWD is the folder pnpm was called
  // from, so a relative path means what the caller meant.
  const callerDir = process.env.INIT_CWD ?? process.cwd();
  await scorePredictionFile(
    resolve(callerDir, file),
    dir === undefined
      ? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/codiesp')
      : resolve(callerDir, dir),
  );
}
