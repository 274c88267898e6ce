import { describe, expect, it } from 'vitest';
import { fixtureModel, torchFixtureModel, torchFixtureSample, type FixtureName, type TorchFixtureName } from '../../../test/fixtures/index.ts';
import { inspectModel, type ModelSignature } from '../inference/index.ts';
import { compareContracts, summarise } from './compare.ts';
import { contractOf, type ContractSubject } from './input-contract.ts';

/** A real model's contract subject, as registration sees it. */
function subject(name: FixtureName | TorchFixtureName, featureNames: string[] | null = null): ContractSubject {
  const bytes = name.startsWith('income') || name === 'iris_lr' || name === 'diabetes_gbr' ? fixtureModel(name as FixtureName) : torchFixtureModel(name as TorchFixtureName);
  const { signature } = inspectModel(bytes);
  return { signature, featureNames, task: signature.task, classes: signature.classes };
}

const compare = (contract: ContractSubject, candidate: ContractSubject) => compareContracts(contractOf(contract), contractOf(candidate));
const kinds = (diffs: { kind: string; severity: string }[]) => diffs.map((d) => `${d.severity}:${d.kind}`);

/** A one-input-per-column model, made up field by field (name → element type). */
function columns(fields: Record<string, string>, task: ModelSignature['task'] = 'regression'): ContractSubject {
  return {
    signature: { inputs: Object.entries(fields).map(([name, type]) => ({ name, type, shape: [null, 1] })), outputs: [{ name: 'y', type: 'float32', shape: [null, 1] }], labelOutput: null },
    featureNames: null,
    task,
    classes: null
  };
}

describe('an endpoint\'s input contract', () => {
  it('reads the income models as 14 named fields with their types, normalised keys, and their label outputs', () => {
    const contract = contractOf(subject('income_rf'));
    expect(contract.array).toBeNull();
    expect(contract.fields).toHaveLength(14);
    expect(contract.fields).toContainEqual({ name: 'education_num', key: 'education_num', type: 'float32', shape: [] });
    expect(contract.fields).toContainEqual({ name: 'workclass', key: 'workclass', type: 'string', shape: [] });
    expect(contract.outputs).toEqual({ task: 'classification', label_type: 'string', classes: ['<=50K', '>50K'] });
  });

  it('reads a single 2-D input as an array of numbers, and as named fields too when it has feature names', () => {
    const wine = torchFixtureSample('wine_softmax');
    expect(contractOf(subject('wine_softmax'))).toMatchObject({ fields: null, array: { type: 'float32', length: 13 } });
    const named = contractOf(subject('wine_softmax', wine.featureNames!));
    expect(named.array).toEqual({ type: 'float32', length: 13 });
    expect(named.fields?.map((f) => f.key)).toContain('od280_od315_of_diluted_wines');
  });

  it('finds the two seeded income models compatible: same fields, types and classes', () => {
    const diffs = compare(subject('income_rf'), subject('income_lr'));
    expect(diffs).toEqual([]);
    expect(summarise(diffs)).toMatch(/^Existing clients keep working/);
  });

  it('refuses the wine model under the income contract: clients send named fields, it takes 13 numbers', () => {
    const diffs = compare(subject('income_rf'), subject('wine_softmax'));
    // (its outputs differ too: a warning whose kind depends on how the output is declared, issue 12 §2)
    expect(kinds(diffs).filter((k) => k.startsWith('breaking'))).toEqual(['breaking:record_format']);
    expect(diffs[0]).toMatchObject({ before: 'JSON object with 14 fields', after: 'array of 13 numbers' });
    expect(diffs[0]!.message).toMatch(/refused with 400/);
    expect(summarise(diffs)).toMatch(/^Existing clients would break/);
  });

  it('lists each field a model needs that clients do not send, and each one it ignores', () => {
    const diffs = compare(subject('income_rf'), subject('wine_softmax', torchFixtureSample('wine_softmax').featureNames!));
    expect(diffs.filter((d) => d.kind === 'missing_field')).toHaveLength(13);
    expect(diffs.filter((d) => d.kind === 'ignored_field' && d.severity === 'info')).toHaveLength(14);
    expect(diffs.find((d) => d.field === 'alcohol')).toMatchObject({ severity: 'breaking', before: null, after: 'float32' });
  });

  it('calls a different array length a shape change (13 wine measurements against 30 tumour features)', () => {
    const diffs = compare(subject('wine_softmax'), subject('breast_cancer_logit'));
    expect(diffs.find((d) => d.kind === 'shape_change')).toMatchObject({ severity: 'breaking', before: 'array of 13 numbers', after: 'array of 30 numbers' });
  });

  it('accepts a model that ignores a field, and one that widens whole numbers to floats', () => {
    const diffs = compare(columns({ age: 'int64', city: 'string', extra: 'float32' }), columns({ Age: 'float64', city: 'string' }));
    expect(kinds(diffs)).toEqual(['info:ignored_field']);
  });

  it('refuses type changes that clients\' values would fail: numbers to text, floats to integers', () => {
    const diffs = compare(columns({ age: 'float32', city: 'string' }), columns({ age: 'int64', city: 'float32' }));
    expect(diffs.map((d) => `${d.kind}:${d.field}:${d.before}→${d.after}`)).toEqual(['type_change:age:float32→int64', 'type_change:city:string→float32']);
    expect(diffs[1]!.message).toBe('Clients send text for "city"; this model needs numbers, so their requests would be refused with 400.');
  });

  it('warns of output changes a client would notice: label type and class set', () => {
    const iris = subject('iris_lr');
    const renamed: ContractSubject = { ...iris, classes: ['setosa', 'versicolor', 'virginica'] };
    const diffs = compare(iris, renamed);
    expect(kinds(diffs)).toEqual(['warning:label_type_change', 'warning:classes_change']);
    expect(diffs[1]!.message).toMatch(/never get "0", "1", "2" again/);
    expect(summarise(diffs)).toMatch(/would notice different answers/);
  });
});
