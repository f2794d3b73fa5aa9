/**
 * The server process of the serve benchmark: builds one engine's coder, starts the coding service on a
 * random loopback port and prints `port <n>` (the load generator runs in the parent, so that client and
 * server do not share an event loop). Engines: `lexical` (@icd/heads LexicalCoder, pure JS), `tfjs` (a
 * prompt model over the tiny CodiEsp BERT, @icd/prompt on TensorFlow.js, saved as a pipeline model folder
 * and loaded with loadModelFolder), `onnx` (the same folder loaded with `engine: 'onnx'`: the masked LM
 * on ONNX Runtime, `ICD_ONNX_THREADS` intra-op threads, default 1). Run by main.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Coder } from '@icd/core';
import { generateCardiologyCorpus, MDR_BERT_CODES } from '@icd/data';
import { LexicalCoder } from '@icd/heads';
import { codeSetFromList } from '@icd/pipeline';
import { createCodingService, loadModelFolder, saveModelFolder } from '@icd/pipeline/node';

const [engine = 'lexical', root = process.cwd()] = process.argv.slice(2);
export const TINY_BERT = 'checkpoints/codiesp-en-tiny-v8000-s42/model';

async function buildCoder(): Promise<Coder> {
  if (engine === 'lexical') {
    const notes = generateCardiologyCorpus({ size: 300, seed: 3, words: [80, 300] });
    return LexicalCoder.train(notes, { c: 100, threshold: 0.3 });
  }
  if (engine === 'tfjs' || engine === 'onnx') {
    // A prompt model over the tiny CodiEsp BERT, saved once as a pipeline model folder and loaded with
    // loadModelFolder: the path `icd serve --model <dir>` takes.
    const { selectBackend } = await import('@icd/bert');
    await selectBackend({ backend: process.env.ICD_BACKEND === 'cpu' ? 'cpu' : 'wasm' });
    const folder = join(root, 'checkpoints', 'serve-bench', 'tfjs-prompt');
    if (!existsSync(join(folder, 'pipeline.json'))) {
      const dir = join(root, TINY_BERT);
      if (!existsSync(join(dir, 'config.json'))) throw new Error(`serve bench: no tiny BERT at ${dir}`);
      const { BertForMaskedLM } = await import('@icd/bert/node');
      const { Tokenizer } = await import('@icd/tokenizer');
      const { ManualTemplate, PromptForClassification, SoftVerbalizer } = await import('@icd/prompt');
      const tokenizer = Tokenizer.fromJSON(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
      const plm = await BertForMaskedLM.fromPretrained(dir);
      const model = new PromptForClassification({
        template: new ManualTemplate({
          tokenizer,
          text: '{"placeholder":"text_a"} the patient can be diagnosed as {"mask"} .',
          maxLength: 128,
        }),
        plm,
        verbalizer: new SoftVerbalizer({
          tokenizer,
          classes: MDR_BERT_CODES.map((code) => code.code),
          labelWords: Object.fromEntries(
            MDR_BERT_CODES.map((code) => [code.code, [code.name.toLowerCase()]]),
          ),
          model: plm,
        }),
        multiLabel: true,
        threshold: 0.5,
        batchSize: 16,
      });
      await saveModelFolder(folder, model, {
        name: 'serve-bench-tiny-prompt',
        codeSet: codeSetFromList(
          model.labels,
          MDR_BERT_CODES.map(({ code, name }) => ({ code, display: name })),
          { name: 'mdr-bert' },
        ),
        hashes: { config: '0'.repeat(64), data: '0'.repeat(64) },
      });
      model.dispose();
    }
    if (engine === 'tfjs') return loadModelFolder(folder);
    // The same folder on ONNX Runtime (the masked LM exported to plm/onnx/ on first use), as
    // `icd predict --engine onnx` loads it.
    return loadModelFolder(folder, {
      engine: 'onnx',
      onnx: { intraOpNumThreads: Number(process.env.ICD_ONNX_THREADS ?? 1) },
    });
  }
  throw new Error(`serve bench: unknown engine ${engine} (lexical, tfjs, onnx)`);
}

const coder = await buildCoder();
const app = createCodingService({ coder, maxBatchSize: 16, maxWaitMs: 5, maxQueue: 1024, logger: false });
// Bench only: memory after a full GC (the process runs with --expose-gc), so heap samples do not saw.
app.post('/bench/memory', async () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`port ${(app.server.address() as { port: number }).port}\n`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
