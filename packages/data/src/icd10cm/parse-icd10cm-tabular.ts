import { DataFormatError } from '@icd/core';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { isIcd10CmCode, normalizeIcd10Code } from '../icd/normalize-icd10-code.js';
import { emptyNotes, type Icd10CmNoteKind, type Icd10CmNotes, isNoteKind } from './icd10cm-notes.js';
import { type TextSource, textChunks } from './text-source.js';

/**
 * A chapter of the tabular list (`1`: Certain infectious and parasitic diseases (A00-B99)).
 *
 * @example
 * ```ts
 * tabular.chapters[8]; // { chapter: 9, description: 'Diseases of the circulatory system (I00-I99)', notes }
 * ```
 */
export interface Icd10CmChapter {
  readonly chapter: number;
  readonly description: string;
  readonly notes: Icd10CmNotes;
}

/**
 * A block of categories (`I30-I5A`: Other forms of heart disease).
 *
 * @example
 * ```ts
 * tabular.sections.find((s) => s.id === 'I30-I52')?.description; // 'Other forms of heart disease (I30-I52)'
 * ```
 */
export interface Icd10CmSection {
  /** The range, as the XML's `id` attribute (`I30-I5A`). */
  readonly id: string;
  readonly description: string;
  readonly chapter: number;
  readonly notes: Icd10CmNotes;
}

/**
 * A seventh character that a code's descendants take (`A`: initial encounter).
 *
 * @example
 * ```ts
 * tabular.diagnoses.find((d) => d.code === 'S72')?.seventhCharacters[0]; // { character: 'A', description: 'initial encounter for closed fracture' }
 * ```
 */
export interface Icd10CmSeventhCharacter {
  readonly character: string;
  readonly description: string;
}

/**
 * One `<diag>` of the tabular list: a category, subcategory or code, with its notes.
 *
 * @example
 * ```ts
 * const entry = tabular.diagnoses.find((d) => d.code === 'I48.19')!; // parent 'I48.1', chapter 9, notes.inclusionTerm [...]
 * ```
 */
export interface Icd10CmTabularEntry {
  /** Normalised code with the dot (`I48.19`). */
  readonly code: string;
  readonly description: string;
  /** The enclosing `<diag>`'s code; absent for a three-character category. */
  readonly parent?: string;
  readonly chapter: number;
  /** The enclosing section's id (`I30-I5A`). */
  readonly section: string;
  readonly notes: Icd10CmNotes;
  /** The seventh characters defined at this level (`<sevenChrDef>`); inherited ones are not repeated. */
  readonly seventhCharacters: readonly Icd10CmSeventhCharacter[];
}

/**
 * The parsed tabular list, each list in document order.
 *
 * @example
 * ```ts
 * const { version, chapters, sections, diagnoses } = await parseIcd10CmTabular(xml); // '2021', 22, 296, 45017
 * ```
 */
export interface Icd10CmTabular {
  readonly version: string;
  readonly chapters: readonly Icd10CmChapter[];
  readonly sections: readonly Icd10CmSection[];
  readonly diagnoses: readonly Icd10CmTabularEntry[];
}

/**
 * Options of {@link parseIcd10CmTabular}.
 *
 * @example
 * ```ts
 * await parseIcd10CmTabular(stream, { file: 'icd10cm-tabular-2021.xml' }); // errors name the file and line
 * ```
 */
export interface ParseIcd10CmTabularOptions {
  /** File name for error messages. */
  readonly file?: string;
}

interface Open {
  readonly name: string;
  text: string;
  readonly attributes: Record<string, string>;
}

interface Owner {
  kind: 'chapter' | 'section' | 'diag';
  code: string;
  description: string;
  notes: ReturnType<typeof emptyNotes>;
  seventhCharacters: Icd10CmSeventhCharacter[];
  id: string;
  parent: string | undefined;
  line: number;
  index: number;
}

/**
 * Parses CDC's ICD-10-CM tabular list XML (`icd10cm-tabular-2021.xml`) with a streaming XML parser
 * (saxes), chunk by chunk, so a 9 MB file never needs a DOM. Browser-safe: pass a string, bytes, a
 * `fetch` body or any async iterable of chunks; read a file with `readIcd10CmTabular` from
 * `@icd/data/node`.
 *
 * @throws DataFormatError (file and line) for malformed XML, a `<diag>` without a valid `<name>` code,
 *   or a document that is not an `ICD10CM.tabular`.
 * @example
 * ```ts
 * const tabular = await parseIcd10CmTabular((await fetch('/icd10cm-tabular-2021.xml')).body!);
 * tabular.diagnoses.find((d) => d.code === 'I48.3')?.notes.inclusionTerm; // ['Type I atrial flutter']
 * ```
 */
export async function parseIcd10CmTabular(
  source: TextSource,
  options: ParseIcd10CmTabularOptions = {},
): Promise<Icd10CmTabular> {
  const file = options.file;
  const parser = new SaxesParser({ position: true });
  const fail = (message: string, cause?: unknown): never => {
    throw new DataFormatError({ file, line: parser.line, message, cause });
  };
  const chapters: Icd10CmChapter[] = [];
  const sections: Icd10CmSection[] = [];
  const diagnoses: Icd10CmTabularEntry[] = [];
  const opened = new Map<Icd10CmTabularEntry, number>();
  const elements: Open[] = [];
  const owners: Owner[] = [];
  let version = '';
  let section = '';
  let sawRoot = false;
  let openCount = 0;

  parser.on('opentag', (tag) => {
    const attributes = (tag as SaxesTagPlain).attributes;
    if (elements.length === 0) {
      if (tag.name !== 'ICD10CM.tabular') fail(`expected an <ICD10CM.tabular> document, got <${tag.name}>`);
      sawRoot = true;
    }
    elements.push({ name: tag.name, text: '', attributes });
    if (tag.name === 'chapter' || tag.name === 'section' || tag.name === 'diag') {
      const enclosing = owners.at(-1);
      owners.push({
        kind: tag.name,
        code: '',
        description: '',
        notes: emptyNotes(),
        seventhCharacters: [],
        id: attributes.id ?? '',
        parent: tag.name === 'diag' && enclosing?.kind === 'diag' ? enclosing.code : undefined,
        line: parser.line,
        index: openCount++,
      });
      if (tag.name === 'section') section = attributes.id ?? fail('a <section> without an id');
    }
  });
  parser.on('text', (text) => {
    const open = elements.at(-1);
    if (open !== undefined) open.text += text;
  });
  parser.on('closetag', (tag) => {
    const open = elements.pop()!;
    const container = elements.at(-1)?.name;
    const owner = owners.at(-1);
    const text = open.text.replace(/\s+/g, ' ').trim();
    if (tag.name === 'version' && container === 'ICD10CM.tabular') version = text;
    else if (owner !== undefined && isOwnerElement(container, owner)) {
      if (tag.name === 'name') owner.code = text;
      else if (tag.name === 'desc') owner.description = text;
    } else if (
      tag.name === 'note' &&
      owner !== undefined &&
      container !== undefined &&
      isNoteKind(container)
    ) {
      if (isOwnerElement(elements.at(-2)?.name, owner)) owner.notes[container as Icd10CmNoteKind].push(text);
    } else if (tag.name === 'extension' && container === 'sevenChrDef' && owner !== undefined) {
      owner.seventhCharacters.push({ character: open.attributes.char ?? '', description: text });
    }
    if (tag.name === 'chapter' || tag.name === 'section' || tag.name === 'diag') {
      owners.pop();
      close(owner!);
    }
  });

  function close(owner: Owner): void {
    if (owner.kind === 'chapter') {
      const chapter = chapterNumber(owner);
      chapters.push({ chapter, description: owner.description, notes: owner.notes });
    } else if (owner.kind === 'section') {
      sections.push({
        id: owner.id,
        description: owner.description,
        chapter: chapterOf(),
        notes: owner.notes,
      });
    } else {
      if (!isIcd10CmCode(owner.code)) {
        throw new DataFormatError({
          file,
          line: owner.line,
          message: `<diag> name '${owner.code}' is not an ICD-10-CM code`,
        });
      }
      const entry: Icd10CmTabularEntry = {
        code: normalizeIcd10Code(owner.code),
        description: owner.description,
        ...(owner.parent === undefined ? {} : { parent: normalizeIcd10Code(owner.parent) }),
        chapter: chapterOf(),
        section,
        notes: owner.notes,
        seventhCharacters: owner.seventhCharacters,
      };
      diagnoses.push(entry);
      opened.set(entry, owner.index);
    }
  }

  // A chapter's number is its <name>, read before its sections; diagnoses close before their chapter.
  function chapterOf(): number {
    const open = owners.find((candidate) => candidate.kind === 'chapter');
    return open === undefined ? fail('a <section> or <diag> outside any <chapter>') : chapterNumber(open);
  }

  function chapterNumber(open: Owner): number {
    const chapter = Number(open.code);
    return Number.isInteger(chapter) && chapter >= 1
      ? chapter
      : fail(`chapter name '${open.code}' is not a number`);
  }

  try {
    for await (const chunk of textChunks(source, file)) parser.write(chunk);
    parser.close();
  } catch (error) {
    if (DataFormatError.isInstance(error)) throw error;
    fail(`malformed ICD-10-CM tabular XML: ${(error as Error).message}`, error);
  }
  if (!sawRoot) fail('empty document: expected an <ICD10CM.tabular> root');
  // Diagnoses close children first; restore document (opening) order.
  diagnoses.sort((a, b) => opened.get(a)! - opened.get(b)!);
  return { version, chapters, sections, diagnoses };
}

// <name> and <desc> (and note containers) belong to the owner when they are its direct children.
function isOwnerElement(container: string | undefined, owner: Owner): boolean {
  return container === owner.kind;
}
