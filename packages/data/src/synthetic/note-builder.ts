import type { NoteSection, TextSpan } from '@icd/core';

/**
 * One sentence of a section; `evidence`, when set, is the `[start, end)` part of it (relative to the
 * sentence) that carries evidence for the note's true code.
 */
export interface NoteSentence {
  readonly text: string;
  readonly evidence?: readonly [start: number, end: number];
}

/** Assembles section-titled text and remembers each section's span and the evidence sentences. */
export class NoteBuilder {
  private text = '';
  private words = 0;
  readonly sections: NoteSection[] = [];
  /** Absolute `[start, end)` spans of the evidence parts of the sentences added so far, in text order. */
  readonly evidence: TextSpan[] = [];

  constructor(header: string) {
    this.text = `${header}\n`;
  }

  get wordCount(): number {
    return this.words;
  }

  /** Appends a section; empty bodies are skipped. */
  add(title: string, sentences: readonly (string | NoteSentence)[]): void {
    if (sentences.length === 0) return;
    const parts = sentences.map((sentence) => (typeof sentence === 'string' ? { text: sentence } : sentence));
    const body = parts.map((part) => part.text).join(' ');
    const start = this.text.length;
    let offset = start + 1 + title.length + 2;
    for (const part of parts) {
      if (part.evidence !== undefined)
        this.evidence.push({ start: offset + part.evidence[0], end: offset + part.evidence[1] });
      offset += part.text.length + 1;
    }
    this.text += `\n${title}: ${body}\n`;
    this.sections.push({ title, start: start + 1, end: this.text.length - 1 });
    this.words += (title.match(/\S+/g)?.length ?? 0) + (body.match(/\S+/g)?.length ?? 0);
  }

  toString(): string {
    return this.text;
  }
}
