// Ports the bert-base-uncased cases of transformers.js's own tokenizer tests
// (huggingface/transformers.js: tests/models/bert/test_tokenization_bert.js, with the strings of
// tests/models/test_strings.js; Apache-2.0) into fixtures/transformers-js-bert-uncased.json, values
// untouched, so src/tokenizer.peer.test.ts runs them as a peer suite without the transformers.js repo.
// Run: node packages/tokenizer/scripts/port-transformers-js-bert-cases.mjs <transformers.js clone or bare repo> [commit]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [repository, commitArgument = 'HEAD'] = process.argv.slice(2);
if (!repository)
  throw new Error('usage: port-transformers-js-bert-cases.mjs <transformers.js repo> [commit]');
const git = (...args) => execFileSync('git', ['-C', repository, ...args], { encoding: 'utf8' });
const commit = git('rev-parse', commitArgument).trim();
// The tests moved under packages/transformers/ in 2026; read whichever layout the commit has.
const prefix = git('ls-tree', '--name-only', commit, 'packages/transformers/tests/').trim()
  ? 'packages/transformers/'
  : '';
const testPath = `${prefix}tests/models/bert/test_tokenization_bert.js`;
const stringsPath = `${prefix}tests/models/test_strings.js`;
const testSource = git('show', `${commit}:${testPath}`);
const stringsSource = git('show', `${commit}:${stringsPath}`);

// Evaluate the two modules as they are, minus the import of the tokenizer class under test.
const dir = mkdtempSync(join(tmpdir(), 'icd-port-transformers-js-'));
try {
  writeFileSync(join(dir, 'test_strings.mjs'), stringsSource);
  writeFileSync(
    join(dir, 'test_tokenization_bert.mjs'),
    testSource
      .replace(/^import \{ BertTokenizer \} from .*$/m, 'const BertTokenizer = null;')
      .replace(/from "\.\.\/test_strings\.js"/, 'from "./test_strings.mjs"'),
  );
  const { TEST_CONFIG } = await import(pathToFileURL(join(dir, 'test_tokenization_bert.mjs')).href);
  const cases = Object.entries(TEST_CONFIG['Xenova/bert-base-uncased']).map(([name, test]) => ({
    name,
    text: test.text,
    pair: test.text_pair ?? null,
    tokens: test.tokens,
    ids: test.ids,
    decoded: test.decoded,
  }));
  const fixture = {
    source: {
      repository: 'https://github.com/huggingface/transformers.js',
      commit,
      files: [testPath, stringsPath],
      license:
        'Apache-2.0 (transformers.js); values copied unchanged from TEST_CONFIG["Xenova/bert-base-uncased"]',
      harness: `${prefix}tests/tokenizers.test.js: ids = encode(text, { text_pair }), tokens = tokenize(text, { pair }), decoded = decode(ids)`,
    },
    cases,
  };
  const out = new URL('../fixtures/transformers-js-bert-uncased.json', import.meta.url);
  // One case per line: readable diffs when upstream changes a case.
  const body = cases.map((c) => `    ${JSON.stringify(c)}`).join(',\n');
  const head = JSON.stringify({ source: fixture.source }, null, 2).replace(/\n}$/, '');
  writeFileSync(out, `${head},\n  "cases": [\n${body}\n  ]\n}\n`);
  console.log(`wrote ${cases.length} cases from ${commit} to ${out.pathname}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
