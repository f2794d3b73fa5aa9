/**
 * `@icd/keybert`: what matters in a long clinical note. Key-BERT keywords over any `@icd/core`
 * `Encoder` (with KeyBERT's MMR and Max Sum diversity), ICD-10-CM and learned term dictionaries matched
 * in one pass with negation cues, a dictionary `Coder`, and note filtering / knowledge-driven sampling
 * that keep the best parts within a token budget with their original offsets. Browser-safe.
 *
 * @packageDocumentation
 */

export type { DictionaryCoderOptions } from './dictionary/dictionary-coder.js';
export { codePriors, DictionaryCoder } from './dictionary/dictionary-coder.js';
export type { AbbreviatedCode, CodeDescription, Icd10CmTermsOptions } from './dictionary/icd10cm-terms.js';
export { abbreviationTerms, icd10CmTerms } from './dictionary/icd10cm-terms.js';
export type { LearnTermsOptions, SpanAnnotation } from './dictionary/learn-terms.js';
export { learnTerms } from './dictionary/learn-terms.js';
export type { NegationCue } from './dictionary/negation-cues.js';
export { NEGATION_CUES, SCOPE_TERMINATORS } from './dictionary/negation-cues.js';
export type { TermEntry } from './dictionary/term-entry.js';
export type { MatchOptions, TermMatch, TermMatcherOptions } from './dictionary/term-matcher.js';
export { TermMatcher } from './dictionary/term-matcher.js';
export type { FilteredNote, FilterNoteOptions, ScoredSentence } from './filter/filter-note.js';
export { filterNote } from './filter/filter-note.js';
export type { KeptText } from './filter/kept-text.js';
export type { KnowledgeUnit, SampledNote, SampleNoteOptions } from './filter/sample-note.js';
export { sampleNote } from './filter/sample-note.js';
export { detectSections, splitParagraphs } from './filter/sections.js';
export type { Candidate, CandidateOptions } from './keywords/candidates.js';
export { findCandidates } from './keywords/candidates.js';
export type { WindowOptions } from './keywords/contextual-tokens.js';
export type { MaxSumOptions, MmrOptions } from './keywords/diversity.js';
export { maxSumDistance, mmr } from './keywords/diversity.js';
export type { ExtractKeywordsOptions, KeywordDiversity } from './keywords/extract-keywords.js';
export { extractKeywords, extractKeywordsBatch } from './keywords/extract-keywords.js';
export type { ScoredCandidate, Vector } from './keywords/similarity.js';
export { cosineSimilarity, rankByCosine, seededDocumentEmbedding } from './keywords/similarity.js';
export { splitSentences } from './text/sentences.js';
export type { StopWordLanguage } from './text/stop-words.js';
export { stopWords } from './text/stop-words.js';
export type { WordToken } from './text/word-tokens.js';
export { normalizeWord, phraseKey, wordTokens } from './text/word-tokens.js';
