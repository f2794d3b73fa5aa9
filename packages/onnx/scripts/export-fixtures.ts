// Exports the committed tiny checkpoint (fixtures/tiny, from make-reference.py) in every variant the
// exporter writes, to fixtures/onnx/*.onnx, which scripts/check-onnx.py then checks with onnx.checker.
//
// Run: pnpm exec tsx --conditions @icd/source packages/onnx/scripts/export-fixtures.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { selectBackend } from '@icd/bert';
import { exportOnnx } from '../src/index.js';
import { exportVariant, fixtureVariants } from '../src/test-support/fixture-variants.js';
import { loadTinyMaskedLM } from '../src/test-support/tiny-fixture.js';

await selectBackend({ backend: 'cpu' });
const mlm = loadTinyMaskedLM();
const folder = new URL('../fixtures/onnx/', import.meta.url);
mkdirSync(folder, { recursive: true });
for (const variant of fixtureVariants) {
  const bytes = await exportVariant(exportOnnx, variant.encoderOnly ? mlm.bert : mlm, variant);
  writeFileSync(new URL(variant.file, folder), bytes);
  console.log(variant.file, bytes.length);
}
mlm.dispose();
