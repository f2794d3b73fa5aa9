import type { CodePrediction, Coder, Evidence, NoteInput, NotePrediction, PredictOptions } from '@icd/core';
import { assertInteger, invalidArgument } from '@icd/core';
import { normalizeWord, splitSentences, TermMatcher, wordTokens } from '@icd/keybert';
import type { PipelineMetadata } from './pipeline-metadata.js';

/**
 * The coder a model folder loads as: the model's own `Coder`, restricted to the valid codes of the
 * folder's code set, with the folder's thresholds applied, and with evidence for every predicted code
 * that the model gave none for — the folder's dictionary matches (`source: 'dictionary'`), else the
 * note's sentences that share most words with the code's display and terms (`source: 'sentence'`).
 * Each code's `evidence[].source` says where its spans come from, and `evidenceSource` the note's.
 *
 * @example
 * ```ts
 * const coder = await loadModelFolder(files);
 * const [prediction] = await coder.predict([{ id: 'n1', text: 'Known atrial fibrillation.' }]);
 * coder.metadata.codeSet.system; // 'http://hl7.org/fhir/sid/icd-10-cm'
 * ```
 */
export class PipelineCoder implements Coder {
  readonly labels: readonly string[];
  private readonly allowed: ReadonlySet<string>;
  private readonly thresholds: ReadonlyMap<string, number> | undefined;
  private readonly matcher: TermMatcher | undefined;
  private readonly codeWords: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(
    readonly model: Coder,
    readonly metadata: PipelineMetadata,
  ) {
    this.allowed = new Set(metadata.codeSet.codes.map((entry) => entry.code));
    this.labels = model.labels.filter((code) => this.allowed.has(code));
    const { thresholds } = metadata;
    if (thresholds !== undefined)
      this.thresholds = new Map(
        metadata.labels.map((code, index) => [
          code,
          typeof thresholds === 'number' ? thresholds : thresholds[index]!,
        ]),
      );
    const terms = (metadata.evidenceTerms ?? []).filter((term) => this.allowed.has(term.code));
    this.matcher = terms.length > 0 ? new TermMatcher(terms) : undefined;
    const words = new Map<string, Set<string>>();
    const add = (code: string, text: string) => {
      const set = words.get(code) ?? new Set<string>();
      for (const token of wordTokens(text)) if (token.text.length > 3) set.add(normalizeWord(token.text));
      words.set(code, set);
    };
    for (const entry of metadata.codeSet.codes) add(entry.code, entry.display);
    for (const term of terms) add(term.code, term.term);
    this.codeWords = words;
  }

  /** Display of a code in the folder's code set (`undefined` outside it). */
  display(code: string): string | undefined {
    return this.metadata.codeSet.codes.find((entry) => entry.code === code)?.display;
  }

  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    if (!Array.isArray(notes)) invalidArgument('PipelineCoder.predict', 'notes', 'an array of notes', notes);
    if (options.topK !== undefined) assertInteger('PipelineCoder.predict', 'topK', options.topK, { min: 1 });
    const maxEvidence = options.maxEvidence ?? 3;
    assertInteger('PipelineCoder.predict', 'maxEvidence', maxEvidence, { min: 0 });
    const { topK, ...inner } = options;
    const predictions = await this.model.predict(notes, inner);
    options.signal?.throwIfAborted();
    return predictions.map((prediction, index) => {
      const note = notes[index]!;
      const ranked = prediction.ranked
        .filter((code) => this.allowed.has(code.code))
        .slice(0, topK ?? Number.POSITIVE_INFINITY)
        .map((code) => {
          const threshold = options.threshold ?? this.thresholds?.get(code.code) ?? code.threshold;
          const predicted =
            options.threshold !== undefined || this.thresholds !== undefined
              ? code.score >= threshold
              : code.predicted;
          const evidence: readonly Evidence[] =
            !predicted || options.evidence === false || maxEvidence === 0
              ? []
              : code.evidence.length > 0
                ? code.evidence.slice(0, maxEvidence)
                : this.fallbackEvidence(note.text, code.code, maxEvidence);
          return { ...code, threshold, predicted, evidence } satisfies CodePrediction;
        });
      const source = ranked.find((code) => code.evidence.length > 0)?.evidence[0]?.source ?? 'none';
      return { noteId: prediction.noteId, ranked, evidenceSource: source };
    });
  }

  /** Dictionary matches of `code` in the note, else the sentences sharing most words with the code. */
  private fallbackEvidence(text: string, code: string, limit: number): Evidence[] {
    const matches: Evidence[] = [];
    for (const match of this.matcher?.match(text) ?? []) {
      if (match.negated || !match.entries.some((entry) => entry.code === code)) continue;
      const weight = Math.max(
        ...match.entries.filter((entry) => entry.code === code).map((e) => e.weight ?? 1),
      );
      matches.push({
        start: match.start,
        end: match.end,
        text: match.text,
        score: weight,
        source: 'dictionary',
        ...(match.uncertain ? { uncertain: true } : {}),
      });
    }
    if (matches.length > 0) return matches.sort((a, b) => b.score - a.score).slice(0, limit);
    const words = this.codeWords.get(code);
    if (!words || words.size === 0) return [];
    const sentences = splitSentences(text)
      .map((span) => {
        const tokens = wordTokens(text.slice(span.start, span.end));
        const shared = new Set(tokens.filter((token) => words.has(token.text)).map((token) => token.text));
        return { ...span, score: shared.size / words.size };
      })
      .filter((sentence) => sentence.score > 0)
      .sort((a, b) => b.score - a.score || a.start - b.start)
      .slice(0, limit);
    return sentences.map((sentence) => ({
      start: sentence.start,
      end: sentence.end,
      text: text.slice(sentence.start, sentence.end),
      score: sentence.score,
      source: 'sentence',
    }));
  }

  dispose(): void {
    this.model.dispose();
  }
}
