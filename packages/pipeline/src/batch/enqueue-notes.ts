import { assertInteger, invalidArgument, type NoteInput } from '@icd/core';
import type { JobsOptions, Queue } from 'bullmq';
import { assertNoteId } from './result-store.js';

/** The queue name `icd batch` uses unless told otherwise. */
export const DEFAULT_BATCH_QUEUE = 'icd-notes';

/** The data of one note job. */
export interface NoteJobData {
  readonly id: string;
  readonly text: string;
  readonly language?: string;
}

/** Options of {@link enqueueNotes}. */
export interface EnqueueNotesOptions {
  /** Jobs per `addBulk` call. Default 500. */
  readonly chunkSize?: number;
  /** BullMQ job options merged over the defaults (3 attempts, exponential backoff, removed on completion). */
  readonly jobOptions?: JobsOptions;
}

/** The BullMQ job id of a note: `note-` + the percent-encoded id (BullMQ ids may not contain `:`). */
export const jobIdOf = (noteId: string) => `note-${encodeURIComponent(noteId)}`;

/**
 * Puts notes on a BullMQ queue, one job per note with the note's id as job id, so enqueueing the same
 * note twice while its job exists adds nothing. Resolves with the number of notes given.
 *
 * @example
 * ```ts
 * const queue = new Queue('icd-notes', { connection: { host: 'redis', port: 6379 } });
 * await enqueueNotes(queue, [{ id: 'n1', text: 'Known AF on apixaban.' }]);
 * ```
 */
export async function enqueueNotes(
  queue: Queue,
  notes: readonly NoteInput[],
  options: EnqueueNotesOptions = {},
): Promise<number> {
  const fn = 'enqueueNotes';
  if (!queue || typeof queue.addBulk !== 'function') invalidArgument(fn, 'queue', 'a BullMQ Queue', queue);
  if (!Array.isArray(notes)) invalidArgument(fn, 'notes', 'an array of { id, text }', notes);
  const chunkSize = options.chunkSize ?? 500;
  assertInteger(fn, 'chunkSize', chunkSize, { min: 1 });
  const seen = new Set<string>();
  notes.forEach((note, index) => {
    assertNoteId(fn, `notes[${index}].id`, note?.id);
    if (typeof note.text !== 'string')
      invalidArgument(fn, `notes[${index}].text`, 'a string', typeof note.text);
    if (seen.has(note.id))
      invalidArgument(fn, `notes[${index}].id`, 'an id not used before in notes', note.id);
    seen.add(note.id);
  });
  const defaults: JobsOptions = {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: true,
    removeOnFail: false,
  };
  for (let first = 0; first < notes.length; first += chunkSize) {
    await queue.addBulk(
      notes.slice(first, first + chunkSize).map((note) => ({
        name: 'code',
        data: {
          id: note.id,
          text: note.text,
          ...(note.language ? { language: note.language } : {}),
        } satisfies NoteJobData,
        opts: { ...defaults, ...options.jobOptions, jobId: jobIdOf(note.id) },
      })),
    );
  }
  return notes.length;
}
