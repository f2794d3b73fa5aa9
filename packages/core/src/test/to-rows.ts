import { invalidArgument } from '../errors/validate.js';
import type { TokenBatch } from '../tensor-data.js';

/** Turns a {@link TokenBatch} into rows of numbers, checking that it is a rectangular 2-D batch. */
export function tokenBatchToRows(fn: string, argument: string, batch: TokenBatch): number[][] {
  if (Array.isArray(batch)) {
    const rows = batch as readonly (readonly number[])[];
    const width = rows[0]?.length ?? 0;
    for (const row of rows) {
      if (!Array.isArray(row) || row.length !== width)
        invalidArgument(fn, argument, 'a rectangular 2-D batch', batch);
    }
    return rows.map((row) => [...row]);
  }
  const { data, shape } = batch as { data: Int32Array; shape: readonly number[] };
  if (shape.length !== 2) invalidArgument(fn, `${argument}.shape`, 'a [batch, sequence] shape', shape);
  const [batchSize, length] = shape as [number, number];
  return Array.from({ length: batchSize }, (_, row) =>
    Array.from(data.subarray(row * length, (row + 1) * length)),
  );
}
