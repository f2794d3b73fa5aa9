import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import {
  type CodiEspCaseLabels,
  checkEvidenceOffsets,
  codiEspNote,
  codiEspOptions,
  type LoadCodiespOptions,
  readCodiEspLabelLine,
} from '../loaders/parse-codiesp.js';
import { listFolder, readLines, readTextFile } from './read-file.js';

async function readLabels(file: string, track: 'D' | 'P' | 'X'): Promise<Map<string, CodiEspCaseLabels>> {
  const labels = new Map<string, CodiEspCaseLabels>();
  for await (const { text, line } of readLines(file)) readCodiEspLabelLine(labels, text, line, file, track);
  return labels;
}

/**
 * Streams the notes of one CodiEsp split (CLEF eHealth 2020; Miranda-Escalada et al., 2020) from the
 * corpus folder (`dir/train/trainD.tsv`, `dir/train/text_files_en/<id>.txt`, ...). Notes come in file-name
 * order, one text file read at a time. Codes are normalised (`i10` → `I10`, `bw03zzz` → `BW03ZZZ`) and
 * de-duplicated; the unlabelled splits (`test`, `background`) give `codes: []`.
 *
 * With `track: 'X'`, `evidence` holds each (code, span) row: the offsets are `[start, end)` character
 * offsets into the SPANISH text (`text_files/`), whatever `language` is; `metadata.evidenceLanguage` says
 * so, and a span that ends past that text is refused. A missing folder or file, invalid UTF-8, a malformed
 * label row, a code that is not ICD-10, or a labelled case without a text file is a DataFormatError naming
 * the file (and line). In a browser, use `parseCodiEsp` of `@icd/data`.
 *
 * @example
 * ```ts
 * import { loadCodiesp } from '@icd/data/node';
 * for await (const note of loadCodiesp('../shared/data/codiesp', { split: 'train', track: 'D' })) {
 *   console.log(note.id, note.codes); // S0004-06142005000700014-1 ['N44.8', 'Z20.818', ...]
 * }
 * ```
 */
export async function* loadCodiesp(dir: string, options: LoadCodiespOptions): AsyncGenerator<ClinicalNote> {
  const { split, track, language, labelled } = codiEspOptions('loadCodiesp', options);
  const splitDir = join(dir, split);
  const spanishDir = join(splitDir, 'text_files');
  const textDir = language === 'en' ? join(splitDir, 'text_files_en') : spanishDir;
  const labelFile = join(splitDir, `${split}${track}.tsv`);
  let labels = new Map<string, CodiEspCaseLabels>();
  if (labelled) {
    if (!(await stat(labelFile).catch(() => undefined))?.isFile()) {
      throw new DataFormatError({
        file: labelFile,
        message: `CodiEsp ${split} labels for track ${track} not found`,
      });
    }
    labels = await readLabels(labelFile, track);
  }
  const names = (await listFolder(textDir)).filter((name) => name.endsWith('.txt')).sort();
  const ids = new Set(names.map((name) => name.slice(0, -4)));
  for (const id of labels.keys()) {
    if (!ids.has(id)) {
      throw new DataFormatError({
        file: labelFile,
        message: `case ${id} has labels but no ${join(textDir, `${id}.txt`)}`,
      });
    }
  }
  // Read a few files ahead so the disk works while the consumer handles a note; order is kept and at
  // most READ_AHEAD texts wait in memory. Track X with English texts also reads the Spanish text, into
  // which the evidence offsets point, to check them.
  const READ_AHEAD = 16;
  const read = (name: string): Promise<[string, string | undefined]> => {
    const id = name.slice(0, -4);
    const checkSpanish = track === 'X' && language === 'en' && labels.has(id);
    const promise = Promise.all([
      readTextFile(join(textDir, name)),
      checkSpanish ? readTextFile(join(spanishDir, name)) : Promise.resolve(undefined),
    ]);
    promise.catch(() => undefined); // awaited below; this only spares an unhandled rejection if the consumer stops early
    return promise;
  };
  const pending: Promise<[string, string | undefined]>[] = [];
  for (let next = 0; next < Math.min(READ_AHEAD, names.length); next++) pending.push(read(names[next]!));
  for (const [position, name] of names.entries()) {
    const id = name.slice(0, -4);
    const [text, spanishText] = await pending.shift()!;
    const ahead = position + READ_AHEAD;
    if (ahead < names.length) pending.push(read(names[ahead]!));
    const entry = labels.get(id);
    if (track === 'X' && entry !== undefined) checkEvidenceOffsets(id, entry, spanishText ?? text, labelFile);
    yield codiEspNote(id, text, entry, { split, track, language, file: join(textDir, name) });
  }
}
