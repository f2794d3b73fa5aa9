import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import { RandomGenerator, type RandomGeneratorState } from './random-generator.js';
import { ignoreLabel, type MaskedLMBatch, type TokenSequence } from './token-sequence.js';

/**
 * Options of {@link MaskedLMCollator}.
 *
 * @example
 * ```ts
 * const options: MaskedLMCollatorOptions = { maskTokenId: 103, padTokenId: 0, vocabSize: 30522, wholeWordMask: true, seed: 1 };
 * const collator = new MaskedLMCollator(options);
 * ```
 */
export interface MaskedLMCollatorOptions {
  /** Id of `[MASK]`. */
  readonly maskTokenId: number;
  /** Id of `[PAD]`, used to pad short sequences. */
  readonly padTokenId: number;
  /** Vocabulary size: random replacements are drawn from `[0, vocabSize)` (as HF's `randint(len(tokenizer))`). */
  readonly vocabSize: number;
  /** Probability that a non-special token (or word) is chosen for prediction. Default 0.15 (BERT). */
  readonly mlmProbability?: number;
  /** Of the chosen tokens, the share replaced by `[MASK]`. Default 0.8. */
  readonly maskReplaceProbability?: number;
  /** Of the chosen tokens, the share replaced by a random token. Default 0.1; the rest stay unchanged. */
  readonly randomReplaceProbability?: number;
  /** Choose whole words (all word pieces of a word together), from `TokenSequence.wordIds`. Default false. */
  readonly wholeWordMask?: boolean;
  /** Pad every batch to a multiple of this length (e.g. 8). Default 1. */
  readonly padToMultipleOf?: number;
  /** Seed of the generator that draws the masks. Default 0. */
  readonly seed?: number;
}

/**
 * Turns unmasked {@link TokenSequence}s into a padded {@link MaskedLMBatch} for masked-LM training, with
 * the semantics of HuggingFace `DataCollatorForLanguageModeling` (`torch_mask_tokens`): each non-special,
 * non-padding token is chosen with probability `mlmProbability`; a chosen token is replaced by `[MASK]`
 * with probability 0.8, by a uniformly random token with probability 0.1, and kept otherwise; labels are
 * the original ids at chosen positions and -100 elsewhere (Devlin et al. 2019, §3.1).
 *
 * With `wholeWordMask`, the Bernoulli draw is made once per word (tokens sharing a `wordIds` entry) and
 * every piece of a chosen word is labelled, as `DataCollatorForWholeWordMask`; the 80/10/10 replacement
 * is then drawn per token, as HF does.
 *
 * The generator is seeded and its state is exposed, so a resumed run masks exactly as an uninterrupted one.
 *
 * @example
 * ```ts
 * const collator = new MaskedLMCollator({ maskTokenId: 103, padTokenId: 0, vocabSize: 30522, seed: 1 });
 * const batch = collator.collate([{ inputIds: Int32Array.of(101, 7592, 2088, 102), specialTokensMask: Uint8Array.of(1, 0, 0, 1) }]);
 * batch.labels; // -100 at [CLS]/[SEP] and at unchosen tokens
 * ```
 */
export class MaskedLMCollator {
  readonly maskTokenId: number;
  readonly padTokenId: number;
  readonly vocabSize: number;
  readonly mlmProbability: number;
  readonly maskReplaceProbability: number;
  readonly randomReplaceProbability: number;
  readonly wholeWordMask: boolean;
  readonly padToMultipleOf: number;
  private readonly random: RandomGenerator;

  constructor(options: MaskedLMCollatorOptions) {
    const name = 'MaskedLMCollator';
    if (typeof options !== 'object' || options === null)
      invalidArgument(name, 'options', 'an object', options);
    assertInteger(name, 'vocabSize', options.vocabSize, { min: 1 });
    assertInteger(name, 'maskTokenId', options.maskTokenId, { min: 0, max: options.vocabSize - 1 });
    assertInteger(name, 'padTokenId', options.padTokenId, { min: 0, max: options.vocabSize - 1 });
    this.vocabSize = options.vocabSize;
    this.maskTokenId = options.maskTokenId;
    this.padTokenId = options.padTokenId;
    this.mlmProbability = options.mlmProbability ?? 0.15;
    this.maskReplaceProbability = options.maskReplaceProbability ?? 0.8;
    this.randomReplaceProbability = options.randomReplaceProbability ?? 0.1;
    assertFiniteNumber(name, 'mlmProbability', this.mlmProbability, { min: 0, max: 1 });
    assertFiniteNumber(name, 'maskReplaceProbability', this.maskReplaceProbability, { min: 0, max: 1 });
    assertFiniteNumber(name, 'randomReplaceProbability', this.randomReplaceProbability, {
      min: 0,
      max: 1 - this.maskReplaceProbability,
    });
    this.wholeWordMask = options.wholeWordMask ?? false;
    this.padToMultipleOf = options.padToMultipleOf ?? 1;
    assertInteger(name, 'padToMultipleOf', this.padToMultipleOf, { min: 1 });
    this.random = new RandomGenerator(options.seed ?? 0);
  }

  /**
   * Pads and masks `sequences` into one batch, drawing from `random` (default: the collator's own
   * seeded generator, which advances; the trainer passes a generator seeded per micro-batch).
   */
  collate(sequences: readonly TokenSequence[], random: RandomGenerator = this.random): MaskedLMBatch {
    if (!Array.isArray(sequences) || sequences.length === 0) {
      invalidArgument(
        'MaskedLMCollator.collate',
        'sequences',
        'a non-empty array of TokenSequence',
        sequences,
      );
    }
    let longest = 0;
    sequences.forEach((sequence, row) => {
      this.validate(sequence, row);
      longest = Math.max(longest, sequence.inputIds.length);
    });
    const sequenceLength = Math.ceil(longest / this.padToMultipleOf) * this.padToMultipleOf;
    const size = sequences.length * sequenceLength;
    const inputIds = new Int32Array(size).fill(this.padTokenId);
    const attentionMask = new Int32Array(size);
    const labels = new Int32Array(size).fill(ignoreLabel);
    sequences.forEach((sequence, row) => {
      const offset = row * sequenceLength;
      inputIds.set(sequence.inputIds, offset);
      attentionMask.fill(1, offset, offset + sequence.inputIds.length);
      const chosen = this.wholeWordMask
        ? this.chooseWords(sequence, random)
        : this.chooseTokens(sequence, random);
      for (let i = 0; i < chosen.length; i++) {
        if (chosen[i] === 0) continue;
        const position = offset + i;
        labels[position] = sequence.inputIds[i]!;
        const draw = random.nextFloat();
        if (draw < this.maskReplaceProbability) inputIds[position] = this.maskTokenId;
        else if (draw < this.maskReplaceProbability + this.randomReplaceProbability) {
          inputIds[position] = random.nextInt(this.vocabSize);
        }
      }
    });
    return { batchSize: sequences.length, sequenceLength, inputIds, attentionMask, labels };
  }

  /** The generator state, to store in a checkpoint. */
  getState(): RandomGeneratorState {
    return this.random.getState();
  }

  /** Restores a state from {@link getState}. */
  setState(state: RandomGeneratorState): void {
    this.random.setState(state);
  }

  private chooseTokens(sequence: TokenSequence, random: RandomGenerator): Uint8Array {
    const chosen = new Uint8Array(sequence.inputIds.length);
    for (let i = 0; i < chosen.length; i++) {
      // Draw for every position (specials too) so the stream of draws does not depend on where specials sit.
      const draw = random.nextFloat();
      if (sequence.specialTokensMask[i] === 0 && draw < this.mlmProbability) chosen[i] = 1;
    }
    return chosen;
  }

  private chooseWords(sequence: TokenSequence, random: RandomGenerator): Uint8Array {
    const { wordIds, specialTokensMask } = sequence;
    const chosen = new Uint8Array(sequence.inputIds.length);
    let previousWord = Number.NaN;
    let wordChosen = false;
    for (let i = 0; i < chosen.length; i++) {
      if (specialTokensMask[i] !== 0) {
        previousWord = Number.NaN;
        continue;
      }
      const word = wordIds![i]!;
      // A token with word id -1 outside specials (rare: an unaligned piece) is its own word.
      if (word !== previousWord || word < 0) wordChosen = random.nextFloat() < this.mlmProbability;
      previousWord = word;
      if (wordChosen) chosen[i] = 1;
    }
    return chosen;
  }

  private validate(sequence: TokenSequence, row: number): void {
    const fn = 'MaskedLMCollator.collate';
    const argument = `sequences[${row}]`;
    if (!(sequence?.inputIds instanceof Int32Array) || !(sequence.specialTokensMask instanceof Uint8Array)) {
      invalidArgument(
        fn,
        argument,
        'a TokenSequence with Int32Array inputIds and Uint8Array specialTokensMask',
        sequence,
      );
    }
    if (sequence.specialTokensMask.length !== sequence.inputIds.length) {
      invalidArgument(
        fn,
        `${argument}.specialTokensMask`,
        `of length ${sequence.inputIds.length}`,
        sequence.specialTokensMask.length,
      );
    }
    if (
      this.wholeWordMask &&
      !(sequence.wordIds instanceof Int32Array && sequence.wordIds.length === sequence.inputIds.length)
    ) {
      invalidArgument(
        fn,
        `${argument}.wordIds`,
        `an Int32Array of length ${sequence.inputIds.length} (wholeWordMask is on)`,
        sequence.wordIds,
      );
    }
    for (const id of sequence.inputIds) {
      if (id < 0 || id >= this.vocabSize) {
        invalidArgument(fn, `${argument}.inputIds`, `ids in [0, ${this.vocabSize - 1}]`, id);
      }
    }
  }
}
