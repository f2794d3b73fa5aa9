import { LiteralReader, type LiteralValue, templateSyntaxError } from './parse-literal.js';

/** What a template block stands for. */
export type TemplateBlockKind = 'text' | 'placeholder' | 'mask' | 'meta' | 'soft' | 'special';

/** The input fields a `{"placeholder": ...}` block may name (OpenPrompt's `InputExample` fields). */
export type PlaceholderField = 'text_a' | 'text_b';

/**
 * One parsed block of a template, as OpenPrompt's `parse_text` returns one dict per block (keys in
 * camelCase). Text outside braces becomes a `text` block.
 *
 * @example
 * ```ts
 * parseTemplateText('{"placeholder": "text_a"} It was {"mask"}.')[1];
 * // { kind: 'text', text: 'It was', addPrefixSpace: true, position: 26 }
 * ```
 */
export interface TemplateBlock {
  readonly kind: TemplateBlockKind;
  /** A space preceded the block in the template (OpenPrompt's `add_prefix_space`). */
  readonly addPrefixSpace: boolean;
  /** Character index of the block in the template text (for error messages). */
  readonly position: number;
  /** The words of a `text` block. */
  readonly text?: string;
  readonly placeholder?: PlaceholderField;
  /** The `meta` field name. */
  readonly meta?: string;
  /** A soft block's initial words (`{"soft": "can be diagnosed as"}`), `null` for a random start. */
  readonly soft?: string | null;
  /** `{"soft_id": k}`: blocks with the same id share embeddings (ids start at 1). */
  readonly softId?: number;
  /** `{"soft": None, "duplicate": n}`: n soft tokens. */
  readonly duplicate?: number;
  /** With `duplicate`: the n tokens share one embedding. */
  readonly same?: boolean;
  /** Whether truncation may cut this block (default: placeholders yes, the rest no). */
  readonly shortenable?: boolean;
  /** `{"special": "<sep>"}`: a special token by template name (`<mask> <sep> <cls> <pad>`) or token. */
  readonly special?: string;
  /** Name of a registered post-processing function applied to the block's text. */
  readonly postProcessing?: string;
}

const knownKeys = new Set([
  'text',
  'placeholder',
  'mask',
  'meta',
  'soft',
  'soft_id',
  'special',
  'duplicate',
  'same',
  'shortenable',
  'post_processing',
]);

function kindOf(fn: string, template: string, position: number, value: Record<string, LiteralValue>) {
  const kinds: TemplateBlockKind[] = [];
  if ('soft' in value || 'soft_id' in value) kinds.push('soft');
  for (const kind of ['placeholder', 'meta', 'mask', 'special', 'text'] as const)
    if (kind in value) kinds.push(kind);
  if (kinds.length === 0)
    throw templateSyntaxError(
      fn,
      template,
      position,
      'a block needs one of "placeholder", "mask", "meta", "soft", "soft_id", "special" or "text"',
    );
  if (kinds.length > 1)
    throw templateSyntaxError(fn, template, position, `a block cannot be both ${kinds.join(' and ')}`);
  return kinds[0]!;
}

function blockFromLiteral(
  fn: string,
  template: string,
  position: number,
  addPrefixSpace: boolean,
  value: Record<string, LiteralValue>,
): TemplateBlock {
  const fail = (problem: string): never => {
    throw templateSyntaxError(fn, template, position, problem);
  };
  for (const key of Object.keys(value))
    if (!knownKeys.has(key))
      fail(`unknown key ${JSON.stringify(key)} (known keys: ${[...knownKeys].join(', ')})`);
  const kind = kindOf(fn, template, position, value);
  const block: { -readonly [K in keyof TemplateBlock]: TemplateBlock[K] } = {
    kind,
    addPrefixSpace,
    position,
  };
  const stringField = (key: string): string | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') fail(`"${key}" must be a string, got ${JSON.stringify(v)}`);
    return v as string;
  };
  const integerField = (key: string, min: number): number | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      fail(`"${key}" must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const booleanField = (key: string): boolean | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') fail(`"${key}" must be true/false (or True/False), got ${JSON.stringify(v)}`);
    return v as boolean;
  };
  switch (kind) {
    case 'text':
      block.text = stringField('text');
      break;
    case 'placeholder': {
      const field = stringField('placeholder');
      if (field !== 'text_a' && field !== 'text_b')
        fail(`"placeholder" must be "text_a" or "text_b", got ${JSON.stringify(field)}`);
      block.placeholder = field as PlaceholderField;
      break;
    }
    case 'meta':
      block.meta = stringField('meta');
      break;
    case 'special':
      block.special = stringField('special');
      break;
    case 'soft': {
      const soft = value.soft;
      if (soft !== undefined && soft !== null && typeof soft !== 'string')
        fail(`"soft" must be initial words or None/null, got ${JSON.stringify(soft)}`);
      block.soft = (soft ?? null) as string | null;
      const softId = integerField('soft_id', 1);
      if (softId !== undefined) block.softId = softId;
      break;
    }
    case 'mask':
      break;
  }
  const duplicate = integerField('duplicate', 1);
  const same = booleanField('same');
  if ((duplicate !== undefined || same !== undefined) && !(kind === 'soft' && block.soft === null))
    fail(
      '"duplicate" and "same" apply only to a soft block without initial words ({"soft": None, "duplicate": n})',
    );
  if (same !== undefined && duplicate === undefined) fail('"same" needs "duplicate"');
  if (duplicate !== undefined) block.duplicate = duplicate;
  if (same !== undefined) block.same = same;
  const shortenable = booleanField('shortenable');
  if (shortenable !== undefined) block.shortenable = shortenable;
  const postProcessing = stringField('post_processing');
  if (postProcessing !== undefined) block.postProcessing = postProcessing;
  return block;
}

/**
 * Parses OpenPrompt's template syntax into blocks, as `Template.parse_text` does, without `eval`:
 * each `{...}` is read as a JSON or Python dict/set literal (`None`, `True`, `False` accepted), text
 * between blocks becomes `text` blocks (trailing spaces dropped, a leading space recorded as
 * `addPrefixSpace`). Errors are `InvalidArgumentError`s naming the character where the text went wrong.
 *
 * @example
 * ```ts
 * const blocks = parseTemplateText('{"placeholder":"text_a"} {"soft": "be encoded as"} {"mask"}.');
 * blocks.map((b) => b.kind); // ['placeholder', 'soft', 'mask', 'text']
 * ```
 */
export function parseTemplateText(text: string, fn = 'parseTemplateText'): TemplateBlock[] {
  if (typeof text !== 'string')
    throw templateSyntaxError(fn, String(text), 0, 'the template must be a string');
  const blocks: TemplateBlock[] = [];
  let i = 0;
  while (i < text.length) {
    let addPrefixSpace = i > 0 && text[i - 1] === ' ';
    while (i < text.length && text[i] === ' ') {
      addPrefixSpace = true;
      i += 1;
    }
    if (i === text.length) break;
    if (text[i] === '}') throw templateSyntaxError(fn, text, i, "'}' without a matching '{'");
    if (text[i] !== '{') {
      let j = i + 1;
      while (j < text.length && text[j] !== '{' && text[j] !== '}') j += 1;
      blocks.push({ kind: 'text', text: text.slice(i, j).replace(/ +$/, ''), addPrefixSpace, position: i });
      i = j;
      continue;
    }
    const reader = new LiteralReader(text, i, fn);
    const value = reader.readBraces();
    blocks.push(blockFromLiteral(fn, text, i, addPrefixSpace, value));
    i = reader.position;
  }
  return blocks;
}
