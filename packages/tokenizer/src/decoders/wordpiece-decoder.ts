import { Decoder, type DecoderJson } from './decoder.js';

// HF's `cleanup` (tokenizers/src/decoders/wordpiece.rs): undo the spaces WordPiece leaves before
// punctuation and English contractions. Applied to each token, as HF does.
function cleanUp(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/**
 * HuggingFace's `WordPiece` decoder: continuation pieces lose their `##` and join the previous token,
 * other tokens are preceded by a space; with `cleanup`, spaces before punctuation are removed.
 *
 * @example
 * ```ts
 * new WordPieceDecoder().decode(['chest', 'pain', '##ful', '.']); // 'chest painful.'
 * ```
 */
export class WordPieceDecoder extends Decoder {
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {
    super();
  }

  decode(tokens: readonly string[], cleanup = this.cleanup): string {
    let out = '';
    tokens.forEach((token, i) => {
      let piece = token;
      if (i !== 0) piece = token.startsWith(this.prefix) ? token.slice(this.prefix.length) : ` ${token}`;
      out += cleanup ? cleanUp(piece) : piece;
    });
    return out;
  }

  toJSON(): DecoderJson {
    return { type: 'WordPiece', prefix: this.prefix, cleanup: this.cleanup };
  }
}
