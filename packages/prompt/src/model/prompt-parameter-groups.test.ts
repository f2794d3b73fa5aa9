import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { InvalidArgumentError } from '@icd/core';
import { Adafactor, AdamW } from '@icd/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixedTemplate } from '../templates/mixed-template.js';
import { SoftVerbalizer } from '../verbalizers/soft-verbalizer.js';
import { PromptForClassification } from './prompt-for-classification.js';
import { promptParameterGroups } from './prompt-parameter-groups.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

function model() {
  const plm = createTinyBert();
  const tokenizer = plm.tokenizer!;
  return new PromptForClassification({
    template: new MixedTemplate({
      tokenizer,
      model: plm,
      text: '{"placeholder":"text_a"} {"soft": "the patient"} has {"mask"} .',
      maxLength: 32,
      seed: 1,
    }),
    plm,
    verbalizer: new SoftVerbalizer({
      tokenizer,
      classes: ['A', 'B'],
      labelWords: { A: ['infarction'], B: ['pneumonia'] },
      model: plm,
    }),
  });
}

describe('promptParameterGroups plmOptimizer', () => {
  it('AdamW for the PLM by default, Adafactor when asked; the template keeps Adafactor, the verbalizer AdamW', () => {
    const prompt = model();
    const steps = { totalSteps: 10, warmupSteps: 1 };
    const byName = (groups: ReturnType<typeof promptParameterGroups>) =>
      Object.fromEntries(groups.map((group) => [group.name, group.optimizer]));
    const plain = byName(promptParameterGroups(prompt, steps));
    expect(plain.plm).toBeInstanceOf(AdamW);
    const adafactor = byName(
      promptParameterGroups(prompt, { ...steps, plmOptimizer: 'adafactor', learningRates: { plm: 1e-3 } }),
    );
    expect(adafactor.plm).toBeInstanceOf(Adafactor);
    expect(adafactor.template).toBeInstanceOf(Adafactor);
    expect(adafactor.verbalizer).toBeInstanceOf(AdamW);
    expect(() => promptParameterGroups(prompt, { ...steps, plmOptimizer: 'sgd' as never })).toThrow(
      InvalidArgumentError,
    );
    prompt.dispose();
  });
});
