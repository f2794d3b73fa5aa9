/**
 * A NegEx-style cue: a phrase that negates or makes uncertain the findings after it (`'pre'`) or before
 * it (`'post'`) in the same sentence.
 *
 * @example
 * ```ts
 * const cue: NegationCue = { phrase: 'no evidence of', kind: 'negation', direction: 'pre' };
 * ```
 */
export interface NegationCue {
  readonly phrase: string;
  readonly kind: 'negation' | 'uncertainty';
  readonly direction: 'pre' | 'post';
}

const cues = (kind: NegationCue['kind'], direction: NegationCue['direction'], phrases: string) =>
  phrases
    .split('|')
    .map((phrase) => phrase.trim())
    .filter((phrase) => phrase.length > 0)
    .map((phrase): NegationCue => ({ phrase, kind, direction }));

/**
 * English and Spanish negation and uncertainty cues (after NegEx, Chapman et al. 2001, and its Spanish
 * adaptations), matched as normalised word sequences: longer cues win over the words they contain
 * (`no se descarta` is uncertainty, not the negation `no`).
 *
 * @example
 * ```ts
 * NEGATION_CUES.filter((cue) => cue.phrase === 'sin'); // [{ phrase: 'sin', kind: 'negation', direction: 'pre' }]
 * ```
 */
export const NEGATION_CUES: readonly NegationCue[] = [
  ...cues(
    'negation',
    'pre',
    `no | not | without | denies | denied | deny | negative for | no evidence of | no signs of | no sign of |
     no history of | free of | absence of | never had | ruled out | rules out | rule out for |
     sin | no | niega | nego | niegan | negativo para | negativa para | ausencia de | no se observa |
     no se observan | no presenta | no presentaba | sin evidencia de | sin signos de | se descarta | se descarto |
     descarta | libre de | no hay`,
  ),
  ...cues(
    'negation',
    'post',
    `was ruled out | were ruled out | is ruled out | has been ruled out | ruled out | was negative | were negative |
     is negative | negative | was excluded | were excluded | absent | not seen | descartado | descartada |
     descartados | descartadas | negativo | negativa | negativos | negativas | ausente | ausentes`,
  ),
  ...cues(
    'uncertainty',
    'pre',
    `possible | possibly | probable | probably | suspected | suspicion of | suspect | questionable | r o |
     rule out | to rule out | cannot exclude | cannot rule out | concern for | presumed | likely |
     posible | probable | sospecha de | sospecha | a descartar | descartar | para descartar | no se descarta |
     no se puede descartar | sugestivo de | dudoso | probablemente`,
  ),
  ...cues(
    'uncertainty',
    'post',
    `cannot be excluded | cannot be ruled out | is suspected | was suspected | not excluded | a descartar |
     por descartar | no descartado | no descartada | dudosa | dudoso`,
  ),
];

/**
 * Words that end a cue's scope inside a sentence ("no fever BUT atrial fibrillation").
 *
 * @example
 * ```ts
 * SCOPE_TERMINATORS.includes('pero'); // true
 * ```
 */
export const SCOPE_TERMINATORS: readonly string[] = [
  'but',
  'however',
  'although',
  'though',
  'except',
  'yet',
  'which',
  'pero',
  'aunque',
  'excepto',
  'salvo',
  'sino',
  'embargo',
];
