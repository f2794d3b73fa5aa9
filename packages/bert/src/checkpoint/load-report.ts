/**
 * What a `fromPretrained` / `fromSafetensors` call did with the checkpoint, kept on the model as
 * `loadReport`: which weights were initialised fresh, which tensors of the file nothing used, and
 * whether the masked-LM head is random (a `BertModel` checkpoint loaded as `BertForMaskedLM` with
 * `allowMissingWeights`).
 *
 * @example
 * ```ts
 * const mlm = await BertForMaskedLM.fromPretrained('models/encoder-only', { allowMissingWeights: true });
 * mlm.loadReport?.randomHead; // true: fine-tune or pretrain the head before trusting its predictions
 * mlm.loadReport?.unusedTensors; // e.g. ['cls.seq_relationship.weight', 'cls.seq_relationship.bias']
 * ```
 */
export interface LoadReport {
  /** The first checkpoint file (a path, or the name given with the bytes). */
  readonly source: string;
  /** What was loaded: `BertModel` (`encoder`) or `BertForMaskedLM` (`maskedLM`). */
  readonly target: 'encoder' | 'maskedLM';
  /** HF names the model needed and the checkpoint lacked, initialised fresh. */
  readonly missingWeights: readonly string[];
  /** Checkpoint tensors no part of the model uses (e.g. `cls.seq_relationship.*`, `position_ids`). */
  readonly unusedTensors: readonly string[];
  /** `maskedLM`: some `cls.predictions.*` weight was missing and is random, so predictions are noise. */
  readonly randomHead: boolean;
  /** `maskedLM`: the decoder is the word-embedding matrix (HF `tie_word_embeddings`, the default). */
  readonly tiedDecoder: boolean | undefined;
}
