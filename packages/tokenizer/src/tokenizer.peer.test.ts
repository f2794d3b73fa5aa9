import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';
import { hasModel, modelDir } from './test-support/shared-corpus.js';
import type { Tokenizer } from './tokenizer.js';

// transformers.js's own BERT tokenizer cases (bert-base-uncased), ported unchanged by
// scripts/port-transformers-js-bert-cases.mjs: see the fixture's "source" for repository, commit and licence.
interface PeerCase {
  name: string;
  text: string;
  pair: string | null;
  tokens: string[];
  ids: number[];
  decoded: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/transformers-js-bert-uncased.json', import.meta.url), 'utf8'),
) as { source: { commit: string }; cases: PeerCase[] };

describe.skipIf(!hasModel)(`transformers.js BERT cases on ${modelDir}`, () => {
  let tokenizer: Tokenizer;
  beforeAll(() => {
    tokenizer = loadTokenizer(modelDir);
  });

  it('has the 30 bert-base-uncased cases', () => {
    expect(fixture.cases).toHaveLength(30);
  });

  // The harness of transformers.js (tests/tokenizers.test.js): ids with specials, tokens without, and
  // decode(ids) with the defaults of tokenizer_config.json.
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(tokenizer.encode(c.text, c.pair).ids).toEqual(c.ids);
    expect(tokenizer.encode(c.text, c.pair, { addSpecialTokens: false }).tokens).toEqual(c.tokens);
    expect(tokenizer.decode(c.ids)).toBe(c.decoded);
  });
});
