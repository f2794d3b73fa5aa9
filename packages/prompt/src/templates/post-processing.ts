/**
 * A function a template block's `"post_processing": "<name>"` applies to the block's text before it is
 * tokenized. OpenPrompt `eval`s a Python lambda there; icd never evaluates template strings, so
 * functions are registered by name instead (built-ins plus `options.postProcessing`).
 *
 * @example
 * ```ts
 * const firstLine: PostProcessingFunction = (text) => text.split('\n')[0] ?? '';
 * new ManualTemplate({ tokenizer, text: '{"placeholder":"text_a", "post_processing": "firstLine"} {"mask"}', postProcessing: { firstLine } });
 * ```
 */
export type PostProcessingFunction = (text: string) => string;

/**
 * The post-processing functions every template knows: `identity`, `trim` (Python's `x.strip()`),
 * `stripPeriods` (`x.strip('.')`, OpenPrompt's most common lambda), `lowercase` (`x.lower()`) and
 * `removeTrailingPeriod`.
 *
 * @example
 * ```ts
 * builtInPostProcessing.stripPeriods('Chest pain.'); // 'Chest pain'
 * ```
 */
export const builtInPostProcessing: Readonly<Record<string, PostProcessingFunction>> = Object.freeze({
  identity: (text: string) => text,
  trim: (text: string) => text.trim(),
  stripPeriods: (text: string) => text.replace(/^\.+|\.+$/g, ''),
  lowercase: (text: string) => text.toLowerCase(),
  removeTrailingPeriod: (text: string) => text.replace(/\.$/, ''),
});
