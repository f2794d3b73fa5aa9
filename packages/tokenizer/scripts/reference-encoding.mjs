// Shared by the fixture generator and the tests: an encoding of the Rust `tokenizers` binding as plain
// data, with offsets converted from code points (what the binding reports) to UTF-16 units (ours).

/** UTF-16 index of each code point index of `text` (one entry past the end). */
export function codePointToUtf16(text) {
  const map = [];
  let unit = 0;
  for (const character of text) {
    map.push(unit);
    unit += character.length;
  }
  map.push(unit);
  return map;
}

// The binding reads lone surrogates as U+FFFD (one code point, one unit): the same positions as UTF-16.
export function referenceEncoding(encoding, text, pair) {
  const maps = [codePointToUtf16(text), pair == null ? null : codePointToUtf16(pair)];
  const sequenceIds = encoding.getSequenceIds();
  const offsets = encoding.getOffsets().map(([start, end], i) => {
    const map = maps[sequenceIds[i] ?? 0] ?? maps[0];
    return [map[start] ?? start, map[end] ?? end];
  });
  return {
    ids: encoding.getIds(),
    tokens: encoding.getTokens(),
    offsets,
    typeIds: encoding.getTypeIds(),
    attentionMask: encoding.getAttentionMask(),
    specialTokensMask: encoding.getSpecialTokensMask(),
    wordIds: encoding.getWordIds().map((w) => w ?? null),
    overflowing: encoding.getOverflowing().map((window) => referenceEncoding(window, text, pair)),
  };
}

/**
 * Encodes with the binding the way `tokenizers` <= 0.22 did: the whole text is tokenized, then HF's own
 * `post_process` (truncation with stride, template, padding) runs. Since 0.23.1 `encode` with truncation
 * stops tokenizing after `maxLength` tokens, so its overflowing windows are cut short
 * (huggingface/tokenizers#2091, fix pending in #2098); `postProcess` still has the full semantics.
 * The raw second sequence gets type id 0 from `encode` where HF's pair encoding gives 1, and the template
 * only retypes the main window: tokens after the first [SEP] of each window are set back to 1.
 */
export async function referenceEncode(tokenizer, text, pair, settings = {}) {
  tokenizer.disableTruncation();
  tokenizer.disablePadding();
  const first = await tokenizer.encode(text, null, { addSpecialTokens: false });
  const second = pair == null ? null : await tokenizer.encode(pair, null, { addSpecialTokens: false });
  if (settings.maxLength !== undefined && settings.truncation !== false) {
    const strategies = { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' };
    tokenizer.setTruncation(settings.maxLength, {
      strategy: strategies[settings.truncation ?? 'longest_first'],
      stride: settings.stride ?? 0,
    });
  }
  if (settings.padding) {
    tokenizer.setPadding({
      maxLength: settings.padding === 'max_length' ? settings.maxLength : undefined,
      direction: settings.paddingSide === 'left' ? 'left' : 'right',
      padToMultipleOf: settings.padToMultipleOf,
      padId: tokenizer.tokenToId('[PAD]') ?? 0,
      padToken: '[PAD]',
    });
  }
  try {
    const encoding = tokenizer.postProcess(first, second, settings.addSpecialTokens ?? true);
    const result = referenceEncoding(encoding, text, pair);
    if (pair != null && (settings.addSpecialTokens ?? true))
      retypeSecond(result, tokenizer.tokenToId('[SEP]'));
    return result;
  } finally {
    tokenizer.disableTruncation();
    tokenizer.disablePadding();
  }
}

function retypeSecond(encoding, sepId) {
  const firstSep = encoding.ids.findIndex((id, i) => id === sepId && encoding.specialTokensMask[i] === 1);
  if (firstSep >= 0) {
    for (let i = firstSep + 1; i < encoding.ids.length; i++) {
      if (encoding.attentionMask[i] === 1) encoding.typeIds[i] = 1;
    }
  }
  for (const window of encoding.overflowing) retypeSecond(window, sepId);
}
