/**
 * Maps a parameter name as found in a checkpoint to the HF `BertForMaskedLM` name: encoder names get the
 * `bert.` prefix when the file has none (a `BertModel` checkpoint), TF-era `LayerNorm.gamma` / `beta`
 * become `weight` / `bias`, and `cls.predictions.decoder.bias` (the same tensor as
 * `cls.predictions.bias` in HF) becomes `cls.predictions.bias`.
 *
 * @example
 * ```ts
 * canonicalName('encoder.layer.0.output.LayerNorm.gamma'); // 'bert.encoder.layer.0.output.LayerNorm.weight'
 * ```
 */
export function canonicalName(name: string): string {
  let canonical = name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
  if (!canonical.startsWith('bert.') && !canonical.startsWith('cls.')) canonical = `bert.${canonical}`;
  if (canonical === 'cls.predictions.decoder.bias') canonical = 'cls.predictions.bias';
  return canonical;
}
