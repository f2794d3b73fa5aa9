import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { NoteInput } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { readNotes as readNoteFile } from '../../batch/read-notes.js';
import { toFhirBundle } from '../../fhir/to-fhir-bundle.js';
import { toCodiespRun, toJson, toJsonl } from '../../formats/to-json.js';
import { loadModelFolder } from '../../node/model-folder-dir.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../exit-codes.js';

const FORMATS = ['json', 'jsonl', 'fhir', 'codiesp'] as const;

function jsonlNotes(text: string, file: string): NoteInput[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => [line, index + 1] as const)
    .filter(([line]) => line.trim() !== '')
    .map(([line, number]) => {
      let record: { id?: unknown; text?: unknown };
      try {
        record = JSON.parse(line);
      } catch (cause) {
        throw new DataFormatError({ file, line: number, message: `not JSON (${String(cause)})`, cause });
      }
      if (typeof record?.text !== 'string')
        throw new DataFormatError({ file, line: number, message: 'expected { "id": ..., "text": "..." }' });
      return {
        id: typeof record.id === 'string' ? record.id : `${basename(file)}:${number}`,
        text: record.text,
      };
    });
}

/**
 * The notes of a `predict` input: a .txt file (one note), a .jsonl file, a .json file (an array of notes),
 * a folder of .txt files, or `-` (stdin).
 */
export async function readNotes(
  input: string,
  stdin: AsyncIterable<Uint8Array | string>,
): Promise<NoteInput[]> {
  if (input === '-') {
    let text = '';
    for await (const chunk of stdin)
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return text.trimStart().startsWith('{') ? jsonlNotes(text, 'stdin') : [{ id: 'stdin', text }];
  }
  const path = resolve(input);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DataFormatError({ file: input, message: 'does not exist' });
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((name) => name.endsWith('.txt')).sort();
    if (names.length === 0) throw new DataFormatError({ file: input, message: 'holds no .txt notes' });
    return Promise.all(
      names.map(async (name) => ({
        id: basename(name, '.txt'),
        text: await readFile(join(path, name), 'utf8'),
      })),
    );
  }
  // A .json file is an array of notes (or { notes: [...] }), as for `icd batch enqueue`: not one note of JSON text.
  const extension = extname(path).toLowerCase();
  if (extension === '.json' || extension === '.ndjson') return readNoteFile(path);
  const text = await readFile(path, 'utf8');
  return extname(path) === '.jsonl' ? jsonlNotes(text, input) : [{ id: basename(path, extname(path)), text }];
}

export const predictCommand: CliCommand = {
  name: 'predict',
  maxPositionals: 1,
  summary: 'code notes with a model folder: JSON, JSONL, FHIR R4 bundles or a CodiEsp run',
  usage: [
    'Usage: icd predict --model <dir> <file.txt | file.jsonl | file.json | dir | -> [--format json|jsonl|fhir|codiesp]',
    '                   [--patient Patient/<id>] [--top-k N] [--threshold T] [--predicted-only] [--engine tfjs|onnx]',
    '',
    'Every prediction carries codes, scores, the thresholds applied and evidence spans with their source.',
    '--format fhir writes one FHIR R4 Bundle of provisional Conditions per note (one JSON document for one',
    'note, NDJSON for several) and needs --patient (Condition.subject is required in R4).',
    '--format codiesp writes docid<TAB>code<TAB>score rows, best first (the CodiEsp run format).',
  ].join('\n'),
  options: {
    model: { type: 'string', short: 'm' },
    engine: { type: 'string' },
    format: { type: 'string', short: 'f' },
    patient: { type: 'string' },
    'top-k': { type: 'string' },
    threshold: { type: 'string' },
    'predicted-only': { type: 'boolean' },
  },
  run: async (context) => {
    const { values } = context;
    if (typeof values.model !== 'string') throw new UsageError('--model <dir> is required');
    const input = context.positionals[0];
    if (input === undefined)
      throw new UsageError('give the notes to code: a .txt or .jsonl file, a folder, or - for stdin');
    const format = (values.format as string | undefined) ?? (context.json ? 'json' : 'jsonl');
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
    if (format === 'fhir' && typeof values.patient !== 'string')
      throw new UsageError('--format fhir needs --patient Patient/<id>: FHIR R4 requires Condition.subject');
    const number = (flag: string) => {
      const value = values[flag];
      if (value === undefined) return undefined;
      const parsed = Number(value);
      if (!Number.isFinite(parsed))
        throw new UsageError(`--${flag} must be a number, got ${JSON.stringify(value)}`);
      return parsed;
    };
    const topK = number('top-k');
    const threshold = number('threshold');
    const notes = await readNotes(input, context.stdin);
    // One prediction per note id: a CodiEsp run or FHIR bundles with a repeated id would be ambiguous.
    const ids = new Set<string>();
    for (const note of notes) {
      if (ids.has(note.id))
        throw new DataFormatError({
          file: input,
          message: `note id ${JSON.stringify(note.id)} is used twice`,
        });
      ids.add(note.id);
    }
    const coder = await loadModelFolder(resolve(values.model), {
      engine: (values.engine as 'tfjs' | 'onnx' | undefined) ?? 'tfjs',
    });
    try {
      const bar = notes.length > 16 ? context.progress('predict', notes.length, 'notes') : undefined;
      const predictions = [];
      for (let start = 0; start < notes.length; start += 16) {
        predictions.push(
          ...(await coder.predict(notes.slice(start, start + 16), {
            signal: context.signal,
            ...(topK !== undefined ? { topK } : {}),
            ...(threshold !== undefined ? { threshold } : {}),
          })),
        );
        bar?.update(Math.min(notes.length, start + 16), { items: Math.min(notes.length, start + 16) });
      }
      bar?.finish();
      const predictedOnly = values['predicted-only'] === true;
      if (format === 'json') context.stdout.write(toJson(predictions, { predictedOnly }));
      else if (format === 'jsonl') context.stdout.write(toJsonl(predictions, { predictedOnly }));
      else if (format === 'codiesp') context.stdout.write(toCodiespRun(predictions, { predictedOnly }));
      else {
        const codeTable = new Map(coder.metadata.codeSet.codes.map((entry) => [entry.code, entry.display]));
        const bundles = predictions.map((prediction) =>
          toFhirBundle(prediction, {
            patientReference: values.patient as string,
            codeTable,
            system: coder.metadata.codeSet.system,
          }),
        );
        context.stdout.write(
          bundles.length === 1
            ? `${JSON.stringify(bundles[0], null, 2)}\n`
            : bundles.map((bundle) => `${JSON.stringify(bundle)}\n`).join(''),
        );
      }
    } finally {
      coder.dispose();
    }
  },
};
