/**
 * transformers' `clean_up_tokenization` (`PreTrainedTokenizerBase`, also transformers.js): removes the
 * spaces decoding leaves before punctuation and English contractions, over the WHOLE decoded text, so
 * `"should ' ve"` becomes `"should've"`. The Rust WordPiece decoder's own `cleanup` runs per token and so
 * never sees `" ' "`; transformers applies this after it when `clean_up_tokenization_spaces` is set.
 *
 * @example
 * ```ts
 * cleanUpTokenization("you should ' ve done this ."); // "you should've done this."
 * ```
 */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
