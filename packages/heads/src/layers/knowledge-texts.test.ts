import { ensureBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { InvalidArgumentError } from '@icd/core';
import { Icd10CmTable, parseIcd10CmOrder, parseIcd10CmTabular } from '@icd/data';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKnowledgeTexts } from './encode-knowledge-texts.js';
import { knowledgeTextsForCodes } from './knowledge-texts-for-codes.js';
import { maxAbsDiff } from './reference.test-helper.js';

// Rows copied from CDC's icd10cm-order-2021.txt and a tabular excerpt in the layout of
// icd10cm-tabular-2021.xml (the inclusion terms of I48.19 and I10 as in the release).
const ORDER = [
  '11353 I48     0 Atrial fibrillation and flutter                              Atrial fibrillation and flutter',
  '11354 I480    1 Paroxysmal atrial fibrillation                               Paroxysmal atrial fibrillation',
  '11355 I481    0 Persistent atrial fibrillation                               Persistent atrial fibrillation',
  '11357 I4819   1 Other persistent atrial fibrillation                         Other persistent atrial fibrillation',
  '10925 I10     1 Essential (primary) hypertension                             Essential (primary) hypertension',
].join('\n');
const TABULAR = `<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2021</version>
  <chapter>
    <name>9</name>
    <desc>Diseases of the circulatory system (I00-I99)</desc>
    <section id="I10-I16">
      <desc>Hypertensive diseases (I10-I16)</desc>
      <diag>
        <name>I10</name>
        <desc>Essential (primary) hypertension</desc>
        <inclusionTerm>
          <note>high blood pressure</note>
          <note>hypertension (arterial) (benign) (essential) (malignant) (primary) (systemic)</note>
        </inclusionTerm>
      </diag>
    </section>
    <section id="I30-I5A">
      <desc>Other forms of heart disease (I30-I5A)</desc>
      <diag>
        <name>I48</name>
        <desc>Atrial fibrillation and flutter</desc>
        <diag>
          <name>I48.0</name>
          <desc>Paroxysmal atrial fibrillation</desc>
        </diag>
        <diag>
          <name>I48.1</name>
          <desc>Persistent atrial fibrillation</desc>
          <inclusionTerm>
            <note>persistent AF</note>
          </inclusionTerm>
          <diag>
            <name>I48.19</name>
            <desc>Other persistent atrial fibrillation</desc>
            <inclusionTerm>
              <note>Chronic persistent atrial fibrillation</note>
              <note>Persistent atrial fibrillation, NOS</note>
            </inclusionTerm>
          </diag>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>`;

describe('knowledgeTextsForCodes', () => {
  let table: Icd10CmTable;
  beforeAll(async () => {
    table = new Icd10CmTable(parseIcd10CmOrder(ORDER), await parseIcd10CmTabular(TABULAR));
  });

  it("gives each code's long description, then its inclusion terms, deduplicated", () => {
    expect(knowledgeTextsForCodes(table, ['I48.19', 'i10'])).toEqual([
      { code: 'I48.19', text: 'Other persistent atrial fibrillation', source: 'description', from: 'I48.19' },
      {
        code: 'I48.19',
        text: 'Chronic persistent atrial fibrillation',
        source: 'inclusion_term',
        from: 'I48.19',
      },
      {
        code: 'I48.19',
        text: 'Persistent atrial fibrillation, NOS',
        source: 'inclusion_term',
        from: 'I48.19',
      },
      { code: 'i10', text: 'Essential (primary) hypertension', source: 'description', from: 'I10' },
      { code: 'i10', text: 'high blood pressure', source: 'inclusion_term', from: 'I10' },
      {
        code: 'i10',
        text: 'hypertension (arterial) (benign) (essential) (malignant) (primary) (systemic)',
        source: 'inclusion_term',
        from: 'I10',
      },
    ]);
  });

  it('adds ancestor inclusion terms, falls back to the nearest ancestor, and honours the switches', () => {
    expect(
      knowledgeTextsForCodes(table, ['I48.19'], { ancestorLevels: 1, descriptions: false }).map(
        (t) => t.text,
      ),
    ).toEqual([
      'Chronic persistent atrial fibrillation',
      'Persistent atrial fibrillation, NOS',
      'persistent AF',
    ]);
    // I48.18 is not in the table: I48.1's texts.
    expect(knowledgeTextsForCodes(table, ['I48.18'])).toEqual([
      { code: 'I48.18', text: 'Persistent atrial fibrillation', source: 'description', from: 'I48.1' },
      { code: 'I48.18', text: 'persistent AF', source: 'inclusion_term', from: 'I48.1' },
    ]);
    expect(knowledgeTextsForCodes(table, ['I48.18'], { fallbackToAncestor: false })).toEqual([]);
    expect(knowledgeTextsForCodes(table, ['Z99.9'])).toEqual([]);
    expect(knowledgeTextsForCodes(table, ['I10'], { inclusionTerms: false }).map((t) => t.source)).toEqual([
      'description',
    ]);
    expect(knowledgeTextsForCodes(table, ['I10'], { maxPerCode: 2 })).toHaveLength(2);
  });

  it('throws typed errors for bad arguments', () => {
    expect(() => knowledgeTextsForCodes(null as never, ['I10'])).toThrow(InvalidArgumentError);
    expect(() => knowledgeTextsForCodes(table, 'I10' as never)).toThrow(/codes/);
    expect(() => knowledgeTextsForCodes(table, [''])).toThrow(/codes\[0\]/);
    expect(() => knowledgeTextsForCodes(table, ['I10'], { ancestorLevels: -1 })).toThrow(/ancestorLevels/);
    expect(() => knowledgeTextsForCodes(table, ['I10'], { maxPerCode: 0 })).toThrow(/maxPerCode/);
    expect(() => knowledgeTextsForCodes(table, ['I10'], { descriptions: 1 } as never)).toThrow(
      /descriptions/,
    );
  });
});

describe('encodeKnowledgeTexts', () => {
  let mlm: ReturnType<typeof createTinyBert>;
  beforeAll(async () => {
    await ensureBackend();
    mlm = createTinyBert();
  });
  afterAll(() => mlm.dispose());

  // Reference: each text alone (no padding), its last hidden state averaged over its own tokens in JS.
  async function alone(text: string, includeSpecials: boolean): Promise<number[]> {
    const encoding = mlm.tokenizer?.encode(text);
    if (!encoding) throw new Error('no tokenizer');
    const { lastHiddenState } = await mlm.bert.encode({ inputIds: [[...encoding.ids]] });
    const hidden = lastHiddenState.shape[2] as number;
    const mean = new Array<number>(hidden).fill(0);
    let count = 0;
    encoding.ids.forEach((_, t) => {
      if (!includeSpecials && encoding.specialTokensMask[t] === 1) return;
      count++;
      for (let j = 0; j < hidden; j++)
        mean[j] = (mean[j] as number) + (lastHiddenState.data[t * hidden + j] as number);
    });
    return mean.map((x) => x / count);
  }

  it('mean-pools each text over its own tokens, the same in a padded batch as alone', async () => {
    const texts = [
      'chest pain',
      'acute heart failure with shortness of breath',
      'fever',
      'type diabetes mellitus',
    ];
    const before = tf.memory().numTensors;
    const tokenizer = mlm.tokenizer;
    if (!tokenizer) throw new Error('no tokenizer');
    for (const includeSpecialTokens of [false, true]) {
      const encoded = await encodeKnowledgeTexts(mlm.bert, tokenizer, texts, {
        batchSize: 3,
        includeSpecialTokens,
      });
      expect(encoded.shape).toEqual([4, 16]);
      for (let i = 0; i < texts.length; i++) {
        const want = await alone(texts[i] as string, includeSpecialTokens);
        expect(maxAbsDiff([...encoded.data.slice(i * 16, (i + 1) * 16)], want)).toBeLessThan(1e-5);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws typed errors for bad arguments', async () => {
    const tokenizer = mlm.tokenizer;
    if (!tokenizer) throw new Error('no tokenizer');
    await expect(encodeKnowledgeTexts(mlm.bert, tokenizer, [])).rejects.toThrow(InvalidArgumentError);
    await expect(encodeKnowledgeTexts(mlm.bert, tokenizer, ['ok', ' '])).rejects.toThrow(/texts\[1\]/);
    await expect(encodeKnowledgeTexts({} as never, tokenizer, ['ok'])).rejects.toThrow(/encoder/);
    await expect(encodeKnowledgeTexts(mlm.bert, {} as never, ['ok'])).rejects.toThrow(/tokenizer/);
    await expect(encodeKnowledgeTexts(mlm.bert, tokenizer, ['ok'], { batchSize: 0 })).rejects.toThrow(
      /batchSize/,
    );
    await expect(encodeKnowledgeTexts(mlm.bert, tokenizer, ['ok'], { maxLength: 65 })).rejects.toThrow(
      /maxLength/,
    );
    const controller = new AbortController();
    controller.abort();
    await expect(
      encodeKnowledgeTexts(mlm.bert, tokenizer, ['ok'], { signal: controller.signal }),
    ).rejects.toThrow();
  });
});
