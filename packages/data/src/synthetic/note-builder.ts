import type { NoteSection } from '@icd/core';

/** Assembles section-titled text and remembers each section's span. */
export class NoteBuilder {
  private text = '';
  private words = 0;
  readonly sections: NoteSection[] = [];

  constructor(header: string) {
    this.text = `${header}\n`;
  }

  get wordCount(): number {
    return this.words;
  }

  /** Appends a section; empty bodies are skipped. */
  add(title: string, sentences: readonly string[]): void {
    if (sentences.length === 0) return;
    const body = sentences.join(' ');
    const start = this.text.length;
    this.text += `\n${title}: ${body}\n`;
    this.sections.push({ title, start: start + 1, end: this.text.length - 1 });
    this.words += (title.match(/\S+/g)?.length ?? 0) + (body.match(/\S+/g)?.length ?? 0);
  }

  toString(): string {
    return this.text;
  }
}
