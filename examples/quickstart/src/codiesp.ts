/**
 * The second documented command (needs ../shared beside the checkout): trains the best CodiEsp-D coder
 * this repository has measured (docs/benchmarks/heads.md: the ICD-10-CM dictionary merged with TF-IDF +
 * logistic regression by eq. 5, λ and the threshold chosen on a validation split carved from train; the
 * neural coders lose on CodiEsp at these sizes), scores it on dev with `icd eval`, writes the dev run with
 * `icd predict --format codiesp` and scores that file as the shared task does (official MAP).
 *
 * Run: `pnpm --filter @icd/example-quickstart codiesp [en|es]` (ICD_SHARED_DIR overrides ../shared).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '@icd/pipeline/node';
import { stringify } from 'yaml';
import { scorePredictionFile } from './score-codiesp.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = resolve(process.env.ICD_SHARED_DIR ?? join(root, '..', 'shared'));
const codiesp = join(shared, 'data', 'codiesp');
const language = process.argv[2] === 'es' ? 'es' : 'en';
if (!existsSync(join(codiesp, 'dev', 'devD.tsv'))) {
  console.log(`CodiEsp not found under ${codiesp}: nothing to do (set ICD_SHARED_DIR).`);
  process.exit(0);
}
const work = join(root, 'checkpoints', `quickstart-codiesp-${language}`);
await mkdir(work, { recursive: true });
const config = {
  seed: 13,
  data: { source: 'codiesp', dir: codiesp, language, topCodes: 100000, validationShare: 0.2 },
  codeSet: { source: 'icd10cm', dir: join(shared, 'data', 'icd10cm') },
  model: {
    kind: 'ensemble',
    name: `codiesp-d-${language}-dictionary-lexical`,
    members: ['dictionary', 'lexical'],
    dictionary: 'codeSet',
    c: 300,
    minDf: 2,
  },
  search: { objective: 'map' },
  out: join(work, 'model'),
};
const configFile = join(work, 'icd.yaml');
await writeFile(configFile, stringify(config));
const shown = (arg: string) => (arg.startsWith(root) ? relative(root, arg) : arg);
async function icd(...argv: string[]): Promise<void> {
  console.log(`\n$ icd ${argv.map(shown).join(' ')}`);
  const code = await runCli(argv);
  if (code !== 0) process.exit(code);
}

await icd('train', '--config', configFile, '--overwrite');
await icd('eval', '--config', configFile, '--model', config.out);
// The dev run file, from the dev texts, scored by the shared task's MAP.
const texts = join(codiesp, 'dev', language === 'en' ? 'text_files_en' : 'text_files');
console.log(
  `\n$ icd predict --model ${shown(config.out)} ${shown(texts)} --format codiesp > ${shown(join(work, 'dev-run.tsv'))}`,
);
let run = '';
const code = await runCli(['predict', '--model', config.out, texts, '--format', 'codiesp'], {
  stdout: { write: (text: string) => (run += text) },
});
if (code !== 0) process.exit(code);
await writeFile(join(work, 'dev-run.tsv'), run);
console.log(`${(await readdir(texts)).length} dev notes coded`);
await scorePredictionFile(join(work, 'dev-run.tsv'), codiesp);
