import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MockEncoder } from '@icd/core/test';
import { poolWindows } from '@icd/pooling';
import { describe, expect, it } from 'vitest';
import { encodeContextualTokens } from './contextual-tokens.js';

const bertDir = join(import.meta.dirname, '../../../../../shared/models/bert-base-uncased');
const hasBert = existsSync(join(bertDir, 'tokenizer.json'));
if (!hasBert)
  console.warn(`[@icd/keybert tests] ${bertDir} not found: skipping the window-pooling parity test.`);

describe.skipIf(!hasBert)('encodeContextualTokens', () => {
  it("gives @icd/pooling's mean document vector over the tokenizer's own overflowing windows", async () => {
    const { loadTokenizer } = await import('@icd/tokenizer/node');
    const tokenizer = loadTokenizer(bertDir);
    const encoder = new MockEncoder({ hiddenSize: 8, vocabSize: tokenizer.vocabSize });
    const note = Array.from(
      { length: 40 },
      (_, i) => `Day ${i}: paroxysmal atrial fibrillation, no fever.`,
    ).join(' ');
    const [mine] = await encodeContextualTokens(encoder, tokenizer, [note], { maxLength: 64, stride: 16 });
    const encoding = tokenizer.encode(note, null, {
      maxLength: 64,
      truncation: true,
      stride: 16,
      returnOverflowing: true,
    });
    const pooled = await poolWindows(encoder, encoding, { pooling: 'mean' });
    expect(mine!.windows).toBe(pooled.windows);
    for (const [d, value] of pooled.vector.entries()) expect(mine!.document[d]).toBeCloseTo(value, 5);
  });
});
