import { assertInteger, DataFormatError, invalidArgument } from '@icd/core';
import { Model, type ModelJson } from './model.js';
import { TokenSink } from './token-sink.js';
import { VocabularyTrie } from './vocabulary-trie.js';

/**
 * Options of {@link WordPieceModel}.
 *
 * @example
 * ```ts
 * const options: WordPieceModelOptions = { vocab: { '[UNK]': 0, un: 1, '##aff': 2, '##able': 3 }, maxInputCharsPerWord: 100 };
 * new WordPieceModel(options);
 * ```
 */
export interface WordPieceModelOptions {
  /** Token → id. Ids must be distinct integers in `[0, vocabSize)`. */
  readonly vocab: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /**
   * Number of ids (default: the number of tokens, so ids are `0 … n-1`). Larger only when ids have gaps,
   * as a `vocab.txt` with a repeated line has (the later line wins, as in HF).
   */
  readonly vocabSize?: number;
  /** Token for words that cannot be split (default `[UNK]`). */
  readonly unkToken?: string;
  /** Prefix of word-continuation pieces (default `##`). */
  readonly continuingSubwordPrefix?: string;
  /** Words longer than this many code points become one unknown token (default 100). */
  readonly maxInputCharsPerWord?: number;
}

/** Ids above this are refused: 16M tokens is far beyond any WordPiece vocabulary (BERT's has 30,522). */
const maxVocabularySize = 1 << 24;

/**
 * The first id of `vocabulary` that is not a distinct integer in `[0, size)`, with what was expected;
 * `undefined` when every id is fine. Checked before anything is allocated by id, so a hostile id (2e8,
 * 2**32, -1, "0") cannot allocate gigabytes or wrap around in an `Int32Array`.
 *
 * @internal
 */
export function vocabularyIdProblem(
  vocabulary: ReadonlyMap<string, unknown>,
  size: number,
): { token: string; id: unknown; expected: string } | undefined {
  const owners = new Map<number, string>();
  for (const [token, id] of vocabulary) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= size) {
      return { token, id, expected: `an integer in [0, ${size - 1}] (the vocabulary has ${size} ids)` };
    }
    const owner = owners.get(id);
    if (owner !== undefined) {
      return { token, id, expected: `an id no other token has (${JSON.stringify(owner)} has ${id})` };
    }
    owners.set(id, token);
  }
  return undefined;
}

/**
 * WordPiece (Schuster & Nakajima 2012; Devlin et al. 2019), as HuggingFace's `WordPiece` model: greedy
 * longest-match-first from the start of the word, continuation pieces carry the `##` prefix, and a word
 * that cannot be covered, or that has more than `maxInputCharsPerWord` code points, becomes one `[UNK]`.
 *
 * Matching walks a {@link VocabularyTrie} over code units, so it builds no substrings; a match never ends
 * inside a surrogate pair.
 *
 * @example
 * ```ts
 * const model = new WordPieceModel({ vocab: { '[UNK]': 0, un: 1, '##aff': 2, '##able': 3 } });
 * model.tokenizeWord('unaffable').map((t) => t.token); // ['un', '##aff', '##able']
 * ```
 */
export class WordPieceModel extends Model {
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly vocabulary: Map<string, number>;
  private readonly tokensById: (string | undefined)[];
  private readonly trie: VocabularyTrie;
  private readonly continuationNode: number;
  // Every piece starts at the root or at the `##` node: their children are read from dense tables.
  private readonly rootChildren: Int32Array;
  private readonly continuationChildren: Int32Array;
  private readonly unkId: number;

  constructor(options: WordPieceModelOptions) {
    super();
    const { vocab } = options;
    if (vocab === null || typeof vocab !== 'object') {
      invalidArgument('WordPieceModel', 'vocab', 'a Map or record of token to id', vocab);
    }
    this.vocabulary = vocab instanceof Map ? new Map(vocab) : new Map(Object.entries(vocab));
    const size = options.vocabSize ?? this.vocabulary.size;
    assertInteger('WordPieceModel', 'vocabSize', size, {
      min: this.vocabulary.size,
      max: Math.max(this.vocabulary.size, maxVocabularySize),
    });
    const problem = vocabularyIdProblem(this.vocabulary, size);
    if (problem !== undefined) {
      invalidArgument(
        'WordPieceModel',
        `vocab[${JSON.stringify(problem.token)}]`,
        problem.expected,
        problem.id,
      );
    }
    this.tokensById = new Array<string | undefined>(size);
    for (const [token, id] of this.vocabulary) this.tokensById[id] = token;
    this.unkToken = options.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    assertInteger('WordPieceModel', 'maxInputCharsPerWord', this.maxInputCharsPerWord, { min: 1 });
    this.trie = new VocabularyTrie(this.vocabulary);
    this.continuationNode =
      this.continuingSubwordPrefix === '' ? 0 : this.trie.walk(this.continuingSubwordPrefix);
    this.unkId = this.vocabulary.get(this.unkToken) ?? -1;
    this.rootChildren = this.trie.denseChildren(0);
    this.continuationChildren =
      this.continuationNode < 0
        ? new Int32Array(0x10000).fill(-1)
        : this.trie.denseChildren(this.continuationNode);
  }

  get vocabSize(): number {
    return this.tokensById.length;
  }

  /** The vocabulary as token → id. */
  getVocab(): ReadonlyMap<string, number> {
    return this.vocabulary;
  }

  tokenToId(token: string): number | undefined {
    return this.vocabulary.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokensById[id];
  }

  tokenize(units: Uint16Array, start: number, end: number, sink: TokenSink): void {
    // HF counts characters (code points), not code units.
    let characters = end - start;
    if (characters > this.maxInputCharsPerWord) {
      for (let i = start; i < end; i++) {
        const unit = units[i]!;
        if (unit >= 0xdc00 && unit <= 0xdfff && i > start) {
          const previous = units[i - 1]!;
          if (previous >= 0xd800 && previous <= 0xdbff) characters--;
        }
      }
      if (characters > this.maxInputCharsPerWord) {
        this.pushUnknown(start, end, sink);
        return;
      }
    }
    const trie = this.trie;
    const tokenIds = trie.tokenIds;
    const firstCount = sink.count;
    let position = start;
    let firstChildren = this.rootChildren;
    while (position < end) {
      let bestId = -1;
      let bestEnd = -1;
      let node = firstChildren[units[position]!]!;
      for (let i = position; node >= 0; ) {
        const id = tokenIds[node]!;
        if (id >= 0) {
          // Never cut a surrogate pair: HF matches whole characters.
          const next = i + 1 < end ? units[i + 1]! : 0;
          if (next < 0xdc00 || next > 0xdfff) {
            bestId = id;
            bestEnd = i + 1;
          }
        }
        if (++i >= end) break;
        node = trie.child(node, units[i]!);
      }
      if (bestId < 0) {
        sink.count = firstCount;
        this.pushUnknown(start, end, sink);
        return;
      }
      sink.push(bestId, position, bestEnd);
      position = bestEnd;
      firstChildren = this.continuationChildren;
    }
  }

  private pushUnknown(start: number, end: number, sink: TokenSink): void {
    if (this.unkId < 0) {
      throw new DataFormatError({
        message: `WordPiece cannot tokenize a word and its unknown token ${JSON.stringify(this.unkToken)} is not in the vocabulary; add it to the vocabulary or set 'unkToken' to a token that is`,
      });
    }
    sink.push(this.unkId, start, end);
  }

  /** Tokenizes one word given as a string (convenience; the pipeline uses `tokenize`). */
  tokenizeWord(word: string): { id: number; token: string; start: number; end: number }[] {
    if (typeof word !== 'string') invalidArgument('tokenizeWord', 'word', 'a string', word);
    const units = new Uint16Array(word.length);
    for (let i = 0; i < word.length; i++) units[i] = word.charCodeAt(i);
    const sink = new TokenSink();
    this.tokenize(units, 0, units.length, sink);
    const out: { id: number; token: string; start: number; end: number }[] = [];
    for (let i = 0; i < sink.count; i++) {
      const id = sink.ids[i]!;
      out.push({ id, token: this.tokensById[id]!, start: sink.starts[i]!, end: sink.ends[i]! });
    }
    return out;
  }

  toJSON(): ModelJson {
    return {
      type: 'WordPiece',
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      max_input_chars_per_word: this.maxInputCharsPerWord,
      vocab: Object.fromEntries(this.vocabulary),
    };
  }
}
