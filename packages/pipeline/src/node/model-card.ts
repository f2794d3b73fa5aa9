import type { PipelineMetadata } from '../model-folder/pipeline-metadata.js';

const KIND_NAMES: Record<PipelineMetadata['kind'], string> = {
  prompt: 'prompt model (template + verbalizer over a masked language model, @icd/prompt)',
  heads: 'label head(s) over a BERT encoder (@icd/heads)',
  lexical: 'TF-IDF + one-vs-rest logistic regression (LexicalCoder, @icd/heads)',
  dictionary: 'dictionary matcher (DictionaryCoder, @icd/keybert)',
  ensemble: 'λ ensemble of two coders (eq. 5 of the LLM-ICD paper, @icd/heads)',
};

const EVIDENCE: Record<PipelineMetadata['kind'], string> = {
  prompt:
    "the prompt model gives none: the folder's dictionary matches, else the sentences sharing most words with the code",
  heads: "the head's label attention where it has one, else the coder's sentence evidence",
  lexical: 'the n-grams that add most to the code’s logit (keyword)',
  dictionary: 'the dictionary matches (with negation and uncertainty cues)',
  ensemble: 'both members’ evidence, best first',
};

const cell = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(4));

/**
 * The model card (README.md) of a model folder, written from `pipeline.json`: what the model is, its
 * label space and code set, thresholds, evidence, the dev metrics, the data and config hashes, and the
 * config that made it.
 *
 * @example
 * ```ts
 * await writeFile(join(dir, 'README.md'), modelCard(metadata));
 * ```
 */
export function modelCard(metadata: PipelineMetadata): string {
  const lines = [
    `# ${metadata.name}`,
    '',
    `An ICD coding model folder of \`@icd/pipeline\` (format ${metadata.format} v${metadata.version}), saved ${metadata.created}.`,
    '',
    `- **Model**: ${KIND_NAMES[metadata.kind]}.`,
    `- **Label space**: ${metadata.labels.length} codes; **code set** \`${metadata.codeSet.name}\` (${metadata.codeSet.system}): ${metadata.codeSet.codes.length} of them are emitted${metadata.codeSet.excluded.length > 0 ? `, ${metadata.codeSet.excluded.length} are not valid codes of the set and never emitted (${metadata.codeSet.excluded.slice(0, 10).join(', ')}${metadata.codeSet.excluded.length > 10 ? ', …' : ''})` : ''}.`,
    `- **Thresholds**: ${metadata.thresholds === undefined ? "the model's own" : typeof metadata.thresholds === 'number' ? `${metadata.thresholds} for every code` : 'one per code (tuned on the validation split), in pipeline.json'}.`,
    `- **Evidence**: ${EVIDENCE[metadata.kind]}.`,
    `- **Data hash** (SHA-256 of the training notes): \`${metadata.hashes.data}\``,
    `- **Config hash** (SHA-256 of the canonical config): \`${metadata.hashes.config}\``,
  ];
  if (metadata.ensemble)
    lines.push(
      `- **Members**: \`${metadata.ensemble.members[0]}/\` (weight λ = ${metadata.ensemble.lambda}) and \`${metadata.ensemble.members[1]}/\` (1 − λ), threshold ${metadata.ensemble.threshold}.`,
    );
  if (metadata.data)
    lines.push(
      `- **Notes**: ${Object.entries(metadata.data)
        .map(([split, count]) => `${split} ${count}`)
        .join(', ')}.`,
    );
  if (metadata.metrics && Object.keys(metadata.metrics).length > 0) {
    lines.push('', '## Validation metrics', '', '| metric | value |', '| --- | --- |');
    for (const [name, value] of Object.entries(metadata.metrics)) lines.push(`| ${name} | ${cell(value)} |`);
    lines.push('', 'Measured on the validation split carved from the training data (never the test split).');
  }
  lines.push(
    '',
    '## Use',
    '',
    '```sh',
    'icd predict --model <this folder> notes/ --format fhir --patient Patient/123',
    '```',
    '',
    'or `loadModelFolder(dir)` of `@icd/pipeline/node` (a `Coder`). Predictions are suggestions for a human',
    'coder (`verificationStatus: provisional` in FHIR), not a diagnosis.',
  );
  if (metadata.config !== undefined)
    lines.push('', '## Config', '', '```json', JSON.stringify(metadata.config, null, 2), '```');
  return `${lines.join('\n')}\n`;
}
