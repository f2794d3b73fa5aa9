import { assertFiniteNumber, invalidArgument } from '@icd/core';
import { Adafactor, AdamW, linearSchedule, type ParameterGroup } from '@icd/train';
import type { PromptForClassification } from './prompt-for-classification.js';
import type { PromptTrainingOptions } from './train-prompt-model.js';

/**
 * The parameter groups of a prompt model: Adafactor for the template, AdamW (or, with
 * `plmOptimizer: 'adafactor'`, Adafactor) for the PLM, AdamW for the verbalizer.
 */
export function promptParameterGroups(
  model: PromptForClassification,
  options: Pick<PromptTrainingOptions, 'learningRates' | 'weightDecay' | 'plmOptimizer'> & {
    readonly totalSteps: number;
    readonly warmupSteps: number;
  },
): ParameterGroup[] {
  if (
    options.plmOptimizer !== undefined &&
    options.plmOptimizer !== 'adamw' &&
    options.plmOptimizer !== 'adafactor'
  )
    invalidArgument('trainPromptModel', 'plmOptimizer', "'adamw' or 'adafactor'", options.plmOptimizer);
  const rates = { template: 0.3, plm: 5e-5, verbalizer: 7e-3, ...(options.learningRates ?? {}) };
  for (const [name, rate] of Object.entries(rates))
    assertFiniteNumber('trainPromptModel', `learningRates.${name}`, rate, { min: 0 });
  const schedule = linearSchedule({ warmupSteps: options.warmupSteps, totalSteps: options.totalSteps });
  const groups: ParameterGroup[] = [];
  const template = model.template.weights;
  if (template.size > 0)
    groups.push({
      name: 'template',
      parameters: template,
      // The prompt-learning setup of the study and OpenPrompt's tutorial: Adafactor with an external rate.
      optimizer: new Adafactor(template, {
        learningRate: rates.template,
        relativeStep: false,
        scaleParameter: false,
        warmupInit: false,
      }),
      schedule,
    });
  if (!model.freezePlm)
    groups.push({
      name: 'plm',
      parameters: model.plm.weights,
      optimizer:
        options.plmOptimizer === 'adafactor'
          ? new Adafactor(model.plm.weights, {
              learningRate: rates.plm,
              relativeStep: false,
              scaleParameter: false,
              warmupInit: false,
            })
          : new AdamW(model.plm.weights, {
              learningRate: rates.plm,
              weightDecay: options.weightDecay ?? 0.01,
            }),
      schedule,
    });
  const verbalizer = model.verbalizer.weights;
  if (verbalizer.size > 0)
    groups.push({
      name: 'verbalizer',
      parameters: verbalizer,
      optimizer: new AdamW(verbalizer, { learningRate: rates.verbalizer, weightDecay: 0 }),
      schedule,
    });
  if (groups.length === 0)
    invalidArgument(
      'trainPromptModel',
      'model',
      'a model with something to train (a tunable PLM, soft tokens or a soft verbalizer)',
      'a manual template and verbalizer over a frozen PLM',
    );
  return groups;
}
