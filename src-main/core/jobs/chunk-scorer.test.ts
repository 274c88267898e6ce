import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, repoRoot, torchFixtureModel } from '../../../test/fixtures/index.ts';
import { OnnxModel } from '../inference/index.ts';
import type { ModelSignature } from '../inference/index.ts';
import type { Algorithm } from '../registry/types.ts';
import { scoreChunk, type ChunkSpec } from './chunk-scorer.ts';
import { parseCsv, splitPlainRecord } from './csv-cells.ts';
import { chunkSpecFor, type InputFacts } from './input-inspection.ts';
import { outputColumns, outputPlanOf } from './output-plan.ts';

let forest: OnnxModel;
let multi: OnnxModel;
beforeAll(async () => {
  forest = await OnnxModel.load(fixtureModel('income_rf'), { intraOpThreads: 1 });
  multi = await OnnxModel.load(torchFixtureModel('multi_regressor'), { featureNames: ['Chins', 'Situps', 'Jumps'] });
});
afterAll(async () => {
  await forest.close();
  await multi.close();
});

const adultHeader = 'age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country';
const adult = '37,Private,34146,HS-grad,9,Married-civ-spouse,Craft-repair,Husband,White,Male,0,0,68,United-States';

function csvSpec(model: OnnxModel, header: string, outputFormat: 'csv' | 'jsonl' = 'csv', featureNames: string[] | null = null): ChunkSpec {
  const facts: InputFacts = { format: 'csv', columns: parseCsv(header)[0]!, headerText: header, dataOffset: 0 };
  return chunkSpecFor(algorithmOf(model.signature, featureNames), facts, outputFormat);
}

/** what chunkSpecFor reads of a registered algorithm */
const algorithmOf = (signature: ModelSignature, featureNames: string[] | null) =>
  ({ signature, featureNames, classes: null, endpointName: 'test', version: '1' }) as unknown as Algorithm;

async function score(model: OnnxModel, spec: ChunkSpec, text: string) {
  const scored = await scoreChunk(model, spec, Buffer.from(text));
  return { ...scored, lines: Buffer.from(scored.output).toString().split('\n').slice(0, -1) };
}

describe('reading CSV records', () => {
  it('splits a record without quotes exactly as csv-parse reads it (trim: String.prototype.trim)', () => {
    const lines = readFileSync(join(repoRoot, 'test/fixtures/adult.csv'), 'utf8').split('\n').filter((l) => l.trim());
    const odd = ['a ,\tb\t, c', ' , ,', '\u00a0x\u00a0,y\u2003', 'single', ',,', '1e5, -0.5 ,+3'];
    for (const line of [...lines, ...odd]) expect(splitPlainRecord(line)).toEqual(parseCsv(line)[0]);
  });

  it('reads quoted fields, a quoted newline, and keeps the input line as written in the result', async () => {
    const quoted = `"37","Private","34146","HS-grad","9","Married-civ-spouse","Craft-repair","Husband","White","Male","0","0","68","United-States"`;
    const multiline = adult.replace('Private', '"Pri\nvate"');
    const { records, lines, failures } = await score(forest, csvSpec(forest, adultHeader), `${quoted}\n\n${multiline}\r\n${adult}\n`);
    expect(records).toBe(3);
    expect(failures).toEqual([]);
    const text = lines.join('\n');
    expect(text.startsWith(`${quoted},`)).toBe(true);
    expect(text).toContain(`\n${multiline},`);
    // a category the model never saw ("Pri\nvate") still scores, as predict would score it
    const rows = parse(text) as string[][];
    expect(rows.map((r) => [r.length, r[1], r.at(-1)])).toEqual([
      [18, 'Private', ''],
      [18, 'Pri\nvate', ''],
      [18, 'Private', '']
    ]);
  });

  it('fails only the malformed record of a chunk, with csv-parse\'s reason', async () => {
    const broken = adult.replace('Private', 'Pri"vate');
    const { records, failures, lines } = await score(forest, csvSpec(forest, adultHeader), `${adult}\n${broken}\n${adult}\n`);
    expect(records).toBe(3);
    expect(failures.map((f) => f.index)).toEqual([1]);
    expect(failures[0]!.line).toMatch(/^37,Pri"vate,.*,"not valid CSV: Invalid Opening Quote: a quote is found on field 1/);
    expect(lines[1]!.endsWith(',,,,"not valid CSV: ' + failures[0]!.line.split(',"not valid CSV: ')[1])).toBe(true);
    expect(lines[0]!.split(',').at(-4)).toBe('<=50K');
  });
});

describe('result columns', () => {
  it('a classifier: prediction and a probability per class', () => {
    expect(outputColumns(outputPlanOf({ signature: forest.signature, classes: null }))).toEqual(['prediction', 'probability_<=50K', 'probability_>50K']);
  });

  it('a multi-output regressor: one column per output value', async () => {
    const plan = outputPlanOf({ signature: multi.signature, classes: null });
    expect(outputColumns(plan)).toEqual(['weight_waist_0', 'weight_waist_1', 'pulse']);
    const spec = csvSpec(multi, 'Chins,Situps,Jumps', 'csv', ['Chins', 'Situps', 'Jumps']);
    const { lines } = await score(multi, spec, '5,162,60\n');
    const [chins, situps, jumps, weight, waist, pulse, error] = lines[0]!.split(',');
    expect([chins, situps, jumps, error]).toEqual(['5', '162', '60', '']);
    // PyTorch's answers for this record (test/fixtures/multi_regressor/sample.json)
    expect(Number(weight)).toBeCloseTo(134.40651, 3);
    expect(Number(waist)).toBeCloseTo(31.25175, 3);
    expect(Number(pulse)).toBeCloseTo(69.11264, 3);
  });

  it('JSON Lines out: the input fields, the prediction columns and error, typed', async () => {
    const { lines } = await score(forest, csvSpec(forest, adultHeader, 'jsonl'), `${adult}\n${adult.replace(/^37/, 'x')}\n`);
    const [ok, bad] = lines.map((l) => JSON.parse(l));
    expect(ok).toMatchObject({ age: '37', prediction: '<=50K', error: null });
    expect(typeof ok['probability_>50K']).toBe('number');
    expect(bad).toMatchObject({ age: 'x', prediction: null, 'probability_>50K': null, error: 'field "age" must be a number, got "x"' });
  });
});
