import type { PostProcessorJson } from './post-processor.js';
import { TemplateProcessing } from './template-processing.js';

/**
 * HuggingFace's `BertProcessing`: `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, type ids 0 then 1. The
 * same encodings as the equivalent {@link TemplateProcessing}; kept as its own type so `toJSON` writes
 * back what was read.
 *
 * @example
 * ```ts
 * const processor = new BertProcessing(['[SEP]', 102], ['[CLS]', 101]);
 * processor.addedTokens(false); // 2
 * ```
 */
export class BertProcessing extends TemplateProcessing {
  constructor(
    readonly sep: readonly [string, number],
    readonly cls: readonly [string, number],
  ) {
    super({
      single: [
        { kind: 'special', id: cls[0], typeId: 0 },
        { kind: 'sequence', sequence: 'A', typeId: 0 },
        { kind: 'special', id: sep[0], typeId: 0 },
      ],
      pair: [
        { kind: 'special', id: cls[0], typeId: 0 },
        { kind: 'sequence', sequence: 'A', typeId: 0 },
        { kind: 'special', id: sep[0], typeId: 0 },
        { kind: 'sequence', sequence: 'B', typeId: 1 },
        { kind: 'special', id: sep[0], typeId: 1 },
      ],
      specialTokens: new Map([
        [cls[0], { ids: [cls[1]], tokens: [cls[0]] }],
        [sep[0], { ids: [sep[1]], tokens: [sep[0]] }],
      ]),
    });
  }

  override toJSON(): PostProcessorJson {
    return { type: 'BertProcessing', sep: [...this.sep], cls: [...this.cls] };
  }
}
