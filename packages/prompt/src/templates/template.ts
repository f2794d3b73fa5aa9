import type { TokenizerLike } from '@icd/core';
import { assertInteger, assertOneOf, invalidArgument } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { TemplateUnit } from './number-soft-tokens.js';
import { templateSyntaxError } from './parse-literal.js';
import { parseTemplateText, type TemplateBlock } from './parse-template-text.js';
import { builtInPostProcessing, type PostProcessingFunction } from './post-processing.js';
import type {
  PromptBatch,
  PromptInput,
  TemplateInputs,
  TemplateJson,
  TemplateOptions,
  TruncationStats,
  WrappedExample,
} from './template-types.js';
import { type TruncatablePart, type TruncationStrategy, truncateParts } from './truncate-parts.js';

export type {
  PromptBatch,
  PromptInput,
  TemplateInputs,
  TemplateJson,
  TemplateOptions,
  TruncationStats,
  WrappedExample,
} from './template-types.js';

const specialNames = {
  '<mask>': 'mask',
  '<sep>': 'sep',
  '<cls>': 'cls',
  '<pad>': 'pad',
  '<unk>': 'unk',
} as const;

/**
 * The base of every template: parses OpenPrompt's syntax, wraps notes into ids with mask and soft-token
 * positions, shortens only shortenable blocks, and turns a batch into masked-LM inputs. Subclasses decide
 * which blocks they accept and how soft tokens enter (`forward`).
 */
export abstract class Template {
  readonly tokenizer: TokenizerLike;
  readonly text: string;
  readonly blocks: readonly TemplateBlock[];
  readonly maxLength: number;
  readonly truncation: TruncationStrategy;
  /** Number of `{"mask"}` blocks. */
  readonly numMasks: number;
  /** Trainable variables by name (empty for a manual template). */
  abstract readonly weights: ReadonlyMap<string, tf.Variable>;
  protected readonly units: readonly TemplateUnit[];
  private readonly postProcessing: Readonly<Record<string, PostProcessingFunction>>;
  private readonly constantIds: (readonly number[] | undefined)[];
  private readonly ids: { cls: number; sep: number; pad: number; mask: number };
  private wrapped = 0;
  private truncatedCount = 0;

  protected constructor(
    fn: string,
    options: TemplateOptions,
    expand: (blocks: readonly TemplateBlock[]) => readonly TemplateUnit[],
    reserved = 0,
  ) {
    if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
    const { tokenizer } = options;
    if (!tokenizer || typeof tokenizer.encode !== 'function')
      invalidArgument(fn, 'tokenizer', 'a TokenizerLike', tokenizer);
    this.tokenizer = tokenizer;
    this.text = options.text;
    this.blocks = parseTemplateText(options.text, fn);
    this.maxLength = options.maxLength ?? 512;
    assertInteger(fn, 'maxLength', this.maxLength, { min: 3 + reserved });
    this.truncation = options.truncation ?? 'tail';
    if (typeof this.truncation !== 'function')
      assertOneOf(fn, 'truncation', this.truncation, ['tail', 'head', 'balanced'] as const);
    this.postProcessing = { ...builtInPostProcessing, ...(options.postProcessing ?? {}) };
    const idOf = (name: keyof TokenizerLike['specialTokens']) => {
      const id = tokenizer.tokenToId(tokenizer.specialTokens[name]);
      if (id === undefined)
        invalidArgument(
          fn,
          'tokenizer',
          `a tokenizer whose vocabulary has its ${name} token`,
          tokenizer.specialTokens[name],
        );
      return id;
    };
    this.ids = { cls: idOf('cls'), sep: idOf('sep'), pad: idOf('pad'), mask: idOf('mask') };
    for (const block of this.blocks) this.checkBlock(fn, block);
    this.numMasks = this.blocks.filter((b) => b.kind === 'mask').length;
    if (this.numMasks === 0)
      throw templateSyntaxError(fn, this.text, this.text.length, 'the template has no {"mask"} block');
    this.units = expand(this.blocks);
    this.constantIds = this.units.map((unit) => this.constantUnitIds(fn, unit));
    const fixed = this.constantIds.reduce((n, ids) => n + (ids?.length ?? 0), 0);
    if (fixed + 2 + reserved > this.maxLength)
      invalidArgument(
        fn,
        'maxLength',
        `at least ${fixed + 2 + reserved} (the template's own tokens)`,
        this.maxLength,
      );
    this.reserved = reserved;
  }

  /** Positions taken before `[CLS]` (a soft prompt's prefix). */
  protected readonly reserved: number;

  private checkBlock(fn: string, block: TemplateBlock): void {
    if (block.postProcessing !== undefined && !Object.hasOwn(this.postProcessing, block.postProcessing))
      throw templateSyntaxError(
        fn,
        this.text,
        block.position,
        `"post_processing": ${JSON.stringify(block.postProcessing)} is not a registered function ` +
          `(registered: ${Object.keys(this.postProcessing).join(', ')}; pass more in options.postProcessing)`,
      );
    if (block.shortenable && (block.kind === 'mask' || block.kind === 'soft' || block.kind === 'special'))
      throw templateSyntaxError(fn, this.text, block.position, `a ${block.kind} block cannot be shortenable`);
    if (block.kind === 'special') this.specialId(fn, block);
  }

  private specialId(fn: string, block: TemplateBlock): number {
    const name = block.special!;
    const role = specialNames[name as keyof typeof specialNames];
    const token = role ? this.tokenizer.specialTokens[role] : name;
    const id = this.tokenizer.tokenToId(token);
    if (id === undefined)
      throw templateSyntaxError(
        fn,
        this.text,
        block.position,
        `the special token ${JSON.stringify(name)} is not in the tokenizer's vocabulary ` +
          `(template names: ${Object.keys(specialNames).join(', ')})`,
      );
    return id;
  }

  private pieces(text: string): number[] {
    return this.tokenizer.encode(text, null, { addSpecialTokens: false }).ids.slice();
  }

  /** Ids of a unit that do not depend on the note; `undefined` for placeholders and meta. */
  private constantUnitIds(fn: string, unit: TemplateUnit): readonly number[] | undefined {
    const { block } = unit;
    if (unit.softId > 0) return [this.ids.pad];
    switch (block.kind) {
      case 'mask':
        return [this.ids.mask];
      case 'special':
        return [this.specialId(fn, block)];
      case 'text':
        return this.pieces(this.blockText(block, block.text ?? ''));
      default:
        return undefined;
    }
  }

  private blockText(block: TemplateBlock, text: string): string {
    const post = block.postProcessing === undefined ? text : this.postProcessing[block.postProcessing]!(text);
    return `${block.addPrefixSpace ? ' ' : ''}${post}`;
  }

  private fieldText(fn: string, block: TemplateBlock, input: PromptInput): string {
    if (block.kind === 'placeholder') {
      const value = block.placeholder === 'text_a' ? input.textA : input.textB;
      if (typeof value !== 'string')
        invalidArgument(
          fn,
          block.placeholder === 'text_a' ? 'textA' : 'textB',
          'a string (the template uses it)',
          value,
        );
      return value;
    }
    const value = input.meta?.[block.meta!];
    if (typeof value !== 'string')
      invalidArgument(fn, `meta.${block.meta}`, 'a string (the template uses it)', value);
    return value;
  }

  private isShortenable(block: TemplateBlock): boolean {
    return block.shortenable ?? block.kind === 'placeholder';
  }

  private toInput(fn: string, input: PromptInput | string): PromptInput {
    if (typeof input === 'string') return { textA: input };
    if (input === null || typeof input !== 'object')
      invalidArgument(fn, 'input', 'a string or a PromptInput', input);
    return input;
  }

  /**
   * The most tokens the shortenable blocks of `input` may take together, so that an asynchronous
   * filter (Key-BERT's `filterNote`) can shorten the note before wrapping.
   */
  tokenBudget(input: PromptInput | string = { textA: '' }): number {
    const note = this.toInput('Template.tokenBudget', input);
    let fixed = 0;
    this.units.forEach((unit, i) => {
      const constant = this.constantIds[i];
      if (constant) fixed += constant.length;
      else if (!this.isShortenable(unit.block))
        fixed += this.pieces(
          this.blockText(unit.block, this.fieldText('Template.tokenBudget', unit.block, note)),
        ).length;
    });
    return this.maxLength - 2 - this.reserved - fixed;
  }

  /** Wraps one note: ids with `[CLS]`/`[SEP]`, soft ids, mask positions; shortened to `maxLength`. */
  wrap(input: PromptInput | string): WrappedExample {
    const fn = 'Template.wrap';
    const note = this.toInput(fn, input);
    const parts: (TruncatablePart & { text?: string; block: TemplateBlock })[] = this.units.map((unit, i) => {
      const constant = this.constantIds[i];
      if (constant) return { ids: constant.slice(), shortenable: false, block: unit.block };
      const text = this.blockText(unit.block, this.fieldText(fn, unit.block, note));
      return { ids: this.pieces(text), shortenable: this.isShortenable(unit.block), text, block: unit.block };
    });
    const budget = this.maxLength - 2 - this.reserved;
    const total = parts.reduce((n, part) => n + part.ids.length, 0);
    const excess = total - budget;
    if (excess > 0) {
      if (typeof this.truncation === 'function') this.shortenWith(this.truncation, parts, excess);
      const still = parts.reduce((n, part) => n + part.ids.length, 0) - budget;
      const left =
        still > 0
          ? truncateParts(parts, still, typeof this.truncation === 'function' ? 'tail' : this.truncation)
          : 0;
      if (left > 0)
        invalidArgument(
          fn,
          'input',
          `a note whose fixed blocks fit in maxLength ${this.maxLength}`,
          `${left} tokens too many after cutting every shortenable block`,
        );
    }
    const inputIds = [this.ids.cls];
    const softTokenIds = [0];
    const maskPositions: number[] = [];
    parts.forEach((part, i) => {
      const unit = this.units[i]!;
      if (unit.block.kind === 'mask') maskPositions.push(inputIds.length);
      for (const id of part.ids) {
        inputIds.push(id);
        softTokenIds.push(unit.softId);
      }
    });
    inputIds.push(this.ids.sep);
    softTokenIds.push(0);
    this.wrapped += 1;
    if (excess > 0) this.truncatedCount += 1;
    return { inputIds, softTokenIds, maskPositions, removedTokens: Math.max(0, excess) };
  }

  private shortenWith(
    shorten: (text: string, maxTokens: number, tokenizer: TokenizerLike) => string,
    parts: (TruncatablePart & { text?: string })[],
    excess: number,
  ): void {
    const lengths = parts.map((part) => (part.shortenable && part.text !== undefined ? part.ids.length : 0));
    const total = lengths.reduce((a, b) => a + b, 0);
    parts.forEach((part, i) => {
      const length = lengths[i]!;
      if (length === 0 || part.text === undefined) return;
      const maxTokens = Math.max(0, length - Math.ceil((length / total) * excess));
      const shortened = shorten(part.text, maxTokens, this.tokenizer);
      if (typeof shortened !== 'string')
        invalidArgument('Template.wrap', 'truncation', 'a function returning a string', shortened);
      part.ids = this.pieces(shortened);
    });
  }

  /** Wraps and pads a batch (to the longest note, or to `maxLength` with `padTo: 'maxLength'`). */
  wrapBatch(
    inputs: readonly (PromptInput | string)[],
    options: { readonly padTo?: 'longest' | 'maxLength' } = {},
  ): PromptBatch {
    if (!Array.isArray(inputs) || inputs.length === 0)
      invalidArgument('Template.wrapBatch', 'inputs', 'a non-empty array of notes', inputs);
    return this.collate(
      inputs.map((input) => this.wrap(input)),
      options,
    );
  }

  /** Pads notes wrapped earlier (by {@link wrap}) into a batch, as {@link wrapBatch} does. */
  collate(
    wrapped: readonly WrappedExample[],
    options: { readonly padTo?: 'longest' | 'maxLength' } = {},
  ): PromptBatch {
    if (!Array.isArray(wrapped) || wrapped.length === 0)
      invalidArgument('Template.collate', 'wrapped', 'a non-empty array of wrapped notes', wrapped);
    const length =
      options.padTo === 'maxLength'
        ? this.maxLength - this.reserved
        : Math.max(...wrapped.map((w) => w.inputIds.length));
    const rows = wrapped.length;
    const inputIds = new Int32Array(rows * length).fill(this.ids.pad);
    const attentionMask = new Int32Array(rows * length);
    const softTokenIds = new Int32Array(rows * length);
    const maskPositions = new Int32Array(rows * this.numMasks);
    wrapped.forEach((w, r) => {
      inputIds.set(w.inputIds, r * length);
      attentionMask.fill(1, r * length, r * length + w.inputIds.length);
      softTokenIds.set(w.softTokenIds, r * length);
      maskPositions.set(w.maskPositions, r * this.numMasks);
    });
    return {
      inputIds: { data: inputIds, shape: [rows, length] },
      attentionMask: { data: attentionMask, shape: [rows, length] },
      softTokenIds: { data: softTokenIds, shape: [rows, length] },
      maskPositions: { data: maskPositions, shape: [rows, this.numMasks] },
      truncated: wrapped.map((w) => w.removedTokens > 0),
    };
  }

  /** How many wrapped notes had to be shortened (OpenPrompt's `truncate_rate`). */
  get truncationStats(): TruncationStats {
    return {
      wrapped: this.wrapped,
      truncated: this.truncatedCount,
      rate: this.wrapped === 0 ? 0 : this.truncatedCount / this.wrapped,
    };
  }

  /** Starts counting {@link truncationStats} again. */
  resetTruncationStats(): void {
    this.wrapped = 0;
    this.truncatedCount = 0;
  }

  /**
   * The masked-LM inputs of a batch. `wordEmbeddings` is the model's input embedding table
   * `[vocab, hidden]` (needed by templates with soft tokens). Returns new tensors the caller owns.
   */
  abstract forward(batch: PromptBatch, wordEmbeddings?: tf.Tensor2D): TemplateInputs;

  /** The saved form (see {@link TemplateJson}). */
  abstract toJSON(): TemplateJson;

  /** Frees the template's variables. Calling it twice is harmless. */
  dispose(): void {
    for (const variable of this.weights.values()) if (!variable.isDisposed) variable.dispose();
  }

  protected truncationName(): TemplateJson['truncation'] {
    return typeof this.truncation === 'function' ? 'custom' : this.truncation;
  }
}
