import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBackend } from '@icd/bert';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClsHead, type ClsHeadConfig } from './cls-head.js';
import type { HeadParameterSpec } from './head-parameters.js';
import { KnowledgeInjectedLabelAttention } from './knowledge-injection.js';
import { LabelAttention } from './label-attention.js';
import { bceWithLogits } from './reference.test-helper.js';

// Outputs and BCE gradients from PyTorch (scripts/layers_reference.py, float64): HF's classification
// heads, PLM-ICD's LAAT module and eqs. 6–9, with nn.Linear weights in PyTorch's [out, in] layout. The
// layers store linear weights [in, out], so `kind: 'linear'` specs are transposed on the way in and
// their gradients on the way out: this also checks that names and kinds map one to one onto a PyTorch
// state_dict (what a safetensors or ONNX export relies on).

interface Stored {
  shape: number[];
  data: number[];
}
interface Case {
  config: Record<string, unknown>;
  weights: Record<string, Stored>;
  grads: Record<string, Stored>;
  logits: Stored;
  loss: number;
  labelAttention?: Stored;
  mask?: Stored;
  knowledgeEmbeddings?: Stored;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'layers-reference.json'), 'utf8'),
) as { hiddenStates: Stored; attentionMask: Stored; targets: Stored; cases: Record<string, Case> };

const toTensor = (stored: Stored) => tf.tensor(stored.data, stored.shape, 'float32');

/** The fixture's PyTorch-layout weights in the head's in-memory layout. */
function memoryWeights(specs: HeadParameterSpec[], stored: Record<string, Stored>): Map<string, tf.Tensor> {
  return new Map(
    specs.map((spec) => {
      const tensor = stored[spec.name];
      if (!tensor) throw new Error(`fixture lacks ${spec.name}`);
      return [
        spec.name,
        tf.tidy(() => (spec.kind === 'linear' ? tf.transpose(toTensor(tensor)) : toTensor(tensor))),
      ];
    }),
  );
}

function maxDiff(a: tf.Tensor, stored: Stored): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, toTensor(stored)))).dataSync()[0] as number);
}

type Built = { head: ClsHead | LabelAttention | KnowledgeInjectedLabelAttention; specs: HeadParameterSpec[] };

function check(name: string, build: (c: Case) => Built): void {
  it(`${name}: logits, attention, loss and every weight's gradient match PyTorch`, () => {
    const c = fixture.cases[name] as Case;
    const { head, specs } = build(c);
    expect(specs.map((s) => s.name).sort()).toEqual(Object.keys(c.weights).sort());
    const h = toTensor(fixture.hiddenStates);
    const m = toTensor(c.mask ?? fixture.attentionMask);
    const y = toTensor(fixture.targets);
    const out = head.forward(h, m);
    expect(maxDiff(out.logits, c.logits)).toBeLessThan(1e-5);
    if (c.labelAttention)
      expect(maxDiff(out.labelAttention as tf.Tensor, c.labelAttention)).toBeLessThan(1e-5);
    const { value, grads } = tf.variableGrads(() => bceWithLogits(head.forward(h, m).logits, y));
    expect(Math.abs((value.dataSync()[0] as number) - c.loss)).toBeLessThan(1e-5);
    for (const spec of specs) {
      const grad = grads[(head.weights.get(spec.name) as tf.Variable).name] as tf.Tensor;
      const fileLayout = spec.kind === 'linear' ? tf.transpose(grad) : grad.clone();
      expect(maxDiff(fileLayout, c.grads[spec.name] as Stored), spec.name).toBeLessThan(1e-5);
      fileLayout.dispose();
    }
    tf.dispose([h, m, y, out.logits, out.labelAttention ?? [], value, ...Object.values(grads)]);
    head.dispose();
  });
}

beforeAll(async () => {
  await ensureBackend();
});

describe('head layers against PyTorch (fixtures/layers-reference.json)', () => {
  for (const name of ['cls_linear_mean', 'cls_mlp_cls_tanh', 'cls_mlp_mean_gelu']) {
    check(name, (c) => {
      const config = { ...(c.config as unknown as ClsHeadConfig), dropout: 0 };
      const probe = new ClsHead(config);
      const specs = probe.parameterSpecs();
      probe.dispose();
      const weights = memoryWeights(specs, c.weights);
      const head = new ClsHead(config, weights);
      tf.dispose([...weights.values()]);
      return { head, specs };
    });
  }
  check('label_attention', (c) => {
    const config = c.config as unknown as ConstructorParameters<typeof LabelAttention>[0];
    const probe = new LabelAttention(config);
    const specs = probe.parameterSpecs();
    probe.dispose();
    const weights = memoryWeights(specs, c.weights);
    const head = new LabelAttention(config, weights);
    tf.dispose([...weights.values()]);
    return { head, specs };
  });
  check('knowledge_label_attention', (c) => {
    const config = c.config as unknown as ConstructorParameters<typeof LabelAttention>[0];
    const knowledge = toTensor(c.knowledgeEmbeddings as Stored);
    const probe = new KnowledgeInjectedLabelAttention(config, knowledge);
    const specs = probe.parameterSpecs();
    probe.dispose();
    const weights = memoryWeights(specs, c.weights);
    const head = new KnowledgeInjectedLabelAttention(config, knowledge, weights);
    tf.dispose([knowledge, ...weights.values()]);
    return { head, specs };
  });
});
