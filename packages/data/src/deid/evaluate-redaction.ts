import { DataFormatError, invalidArgument, type TextSpan } from '@icd/core';
import { splitLines } from '../io/lines.js';

/** A note of a de-identification test set: planted identifiers and clinical facts, as spans of `text`. */
export interface PlantedNote {
  readonly id: string;
  readonly text: string;
  readonly identifiers: readonly (TextSpan & { readonly type: string })[];
  readonly facts: readonly TextSpan[];
}

/** What {@link evaluateRedaction} measures, over all notes. */
export interface RedactionEvaluation {
  /** Identifiers whose every letter and digit was removed / all identifiers. */
  readonly recall: number;
  /** Removed word tokens that lay inside an identifier / all removed word tokens. */
  readonly precision: number;
  /** Clinical facts left exactly as written / all facts. */
  readonly factSurvival: number;
  /** Recall per identifier type. */
  readonly recallByType: Readonly<Record<string, number>>;
  readonly identifiers: number;
  readonly facts: number;
  /** The identifiers that leaked (some letter or digit survived) and the facts that were damaged. */
  readonly missed: readonly { readonly id: string; readonly type: string; readonly text: string }[];
  readonly damagedFacts: readonly { readonly id: string; readonly text: string }[];
}

/**
 * Parses a test set written with inline marks: `[[TYPE|text]]` for an identifier that must go,
 * `{{text}}` for a clinical fact that must stay, notes separated by `=== <id>` lines, `#` comment lines.
 *
 * @example
 * ```ts
 * const [note] = parsePlantedNotes('=== n1\nSeen by Dr [[NAME|Ann Lee]], {{5 mg}} bd.');
 * note.text; // 'Seen by Dr Ann Lee, 5 mg bd.'
 * ```
 */
export function parsePlantedNotes(source: string, file?: string): PlantedNote[] {
  const notes: PlantedNote[] = [];
  let current: { id: string; lines: string[]; line: number } | undefined;
  const flush = () => {
    if (current !== undefined)
      notes.push(parseMarkup(current.id, current.lines.join('\n'), file, current.line));
  };
  for (const { text: line, line: number } of splitLines(source)) {
    if (line.startsWith('#')) continue;
    if (line.startsWith('=== ')) {
      flush();
      current = { id: line.slice(4).trim(), lines: [], line: number };
    } else if (current !== undefined) current.lines.push(line);
    else if (line.trim() !== '')
      throw new DataFormatError({ file, line: number, message: 'text before the first "=== <id>" line' });
  }
  flush();
  return notes;
}

function parseMarkup(id: string, markup: string, file: string | undefined, line: number): PlantedNote {
  const identifiers: (TextSpan & { type: string })[] = [];
  const facts: TextSpan[] = [];
  let text = '';
  const pattern = /\[\[([A-Z]+)\|([^\]]+)\]\]|\{\{([^}]+)\}\}/g;
  let cursor = 0;
  for (let match = pattern.exec(markup); match !== null; match = pattern.exec(markup)) {
    text += markup.slice(cursor, match.index);
    const value = match[2] ?? match[3]!;
    const span = { start: text.length, end: text.length + value.length };
    if (match[1] !== undefined) identifiers.push({ ...span, type: match[1] });
    else facts.push(span);
    text += value;
    cursor = match.index + match[0].length;
  }
  text += markup.slice(cursor).replace(/\n+$/, '');
  if (/\[\[|\]\]|\{\{|\}\}/.test(text))
    throw new DataFormatError({ file, line, message: `unbalanced marks in note ${id}` });
  return { id, text, identifiers, facts };
}

const TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;
const WORD = /[\p{L}\p{N}]/u;

/** Marks which tokens of `input` survive in `output`: a longest common subsequence of tokens. */
function keptTokens(input: string, output: string): { spans: TextSpan[]; kept: Uint8Array } {
  const inputTokens = [...input.matchAll(TOKEN)];
  const outputTokens = [...output.matchAll(TOKEN)].map((match) => match[0]);
  const rows = inputTokens.length;
  const columns = outputTokens.length;
  const table = new Int32Array((rows + 1) * (columns + 1));
  for (let row = rows - 1; row >= 0; row--) {
    for (let column = columns - 1; column >= 0; column--) {
      const here = row * (columns + 1) + column;
      table[here] =
        inputTokens[row]![0] === outputTokens[column]
          ? table[here + columns + 2]! + 1
          : Math.max(table[here + columns + 1]!, table[here + 1]!);
    }
  }
  const kept = new Uint8Array(rows);
  for (let row = 0, column = 0; row < rows && column < columns; ) {
    const here = row * (columns + 1) + column;
    if (inputTokens[row]![0] === outputTokens[column]) {
      kept[row] = 1;
      row++;
      column++;
    } else if (table[here + columns + 1]! >= table[here + 1]!) row++;
    else column++;
  }
  const spans = inputTokens.map((match) => ({ start: match.index!, end: match.index! + match[0].length }));
  return { spans, kept };
}

/**
 * Scores any redactor (ours, a library, a person) on planted notes by comparing its output text with
 * the input token by token (a longest common subsequence), so tools that return only text are scored
 * like those that return spans. An identifier counts as redacted when none of its letters or digits
 * survive; a fact survives when all of its tokens do.
 *
 * @example
 * ```ts
 * const result = evaluateRedaction(parsePlantedNotes(source), (text) => redactPhi(text).text);
 * result.recall; // e.g. 0.9
 * ```
 */
export function evaluateRedaction(
  notes: readonly PlantedNote[],
  redact: (text: string) => string,
): RedactionEvaluation {
  if (typeof redact !== 'function') invalidArgument('evaluateRedaction', 'redact', 'a function', redact);
  let found = 0;
  let identifiers = 0;
  let removedWords = 0;
  let removedInside = 0;
  let survived = 0;
  let facts = 0;
  const byType = new Map<string, { found: number; total: number }>();
  const missed: { id: string; type: string; text: string }[] = [];
  const damagedFacts: { id: string; text: string }[] = [];
  for (const note of notes) {
    const { spans, kept } = keptTokens(note.text, redact(note.text));
    const inside = (span: TextSpan, outer: TextSpan) => span.start >= outer.start && span.end <= outer.end;
    for (const identifier of note.identifiers) {
      const leaked = spans.some(
        (span, index) =>
          kept[index] === 1 && inside(span, identifier) && WORD.test(note.text.slice(span.start, span.end)),
      );
      const counts = byType.get(identifier.type) ?? { found: 0, total: 0 };
      byType.set(identifier.type, counts);
      counts.total++;
      identifiers++;
      if (leaked)
        missed.push({
          id: note.id,
          type: identifier.type,
          text: note.text.slice(identifier.start, identifier.end),
        });
      else {
        found++;
        counts.found++;
      }
    }
    spans.forEach((span, index) => {
      if (kept[index] === 1 || !WORD.test(note.text.slice(span.start, span.end))) return;
      removedWords++;
      if (note.identifiers.some((identifier) => span.start < identifier.end && identifier.start < span.end))
        removedInside++;
    });
    for (const fact of note.facts) {
      facts++;
      const intact = spans.every((span, index) => kept[index] === 1 || !inside(span, fact));
      if (intact) survived++;
      else damagedFacts.push({ id: note.id, text: note.text.slice(fact.start, fact.end) });
    }
  }
  const recallByType: Record<string, number> = {};
  for (const [type, counts] of byType) recallByType[type] = counts.found / counts.total;
  return {
    recall: identifiers === 0 ? 1 : found / identifiers,
    precision: removedWords === 0 ? 1 : removedInside / removedWords,
    factSurvival: facts === 0 ? 1 : survived / facts,
    recallByType,
    identifiers,
    facts,
    missed,
    damagedFacts,
  };
}
