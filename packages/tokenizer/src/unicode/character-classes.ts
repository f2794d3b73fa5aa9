import { CodePointSet } from './code-point-set.js';
import {
  chineseCharacters,
  nonSpacingMarks,
  preTokenizerPunctuation,
  preTokenizerWhitespace,
  removedByCleanText,
  whitespaceByCleanText,
} from './unicode-tables.js';

// Built once, on first use, from the generated tables (see scripts/generate-unicode-tables.mjs).
let sets:
  | {
      removed: CodePointSet;
      cleanWhitespace: CodePointSet;
      chinese: CodePointSet;
      marks: CodePointSet;
      whitespace: CodePointSet;
      punctuation: CodePointSet;
    }
  | undefined;

/** The character classes of HuggingFace's BERT normalizer and pre-tokenizer, as code point sets. */
export function characterClasses(): NonNullable<typeof sets> {
  sets ??= {
    removed: new CodePointSet(removedByCleanText),
    cleanWhitespace: new CodePointSet(whitespaceByCleanText),
    chinese: new CodePointSet(chineseCharacters),
    marks: new CodePointSet(nonSpacingMarks),
    whitespace: new CodePointSet(preTokenizerWhitespace),
    punctuation: new CodePointSet(preTokenizerPunctuation),
  };
  return sets;
}
