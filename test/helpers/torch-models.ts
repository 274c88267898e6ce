/**
 * The PyTorch fixtures registered on a test server as a user would (issue 21, issue 12 §2), and
 * their answers compared with PyTorch's own within the fixture's tolerance.
 */
import { expect } from 'vitest';
import {
  closeTo,
  torchFixtureModel,
  torchFixtureSample,
  type NestedNumbers,
  type TorchExpected,
  type TorchFixtureName,
  type TorchFixtureSample
} from '../fixtures/index.ts';
import type { TestServer } from './server.ts';

/** What each fixture is registered with: classifiers get their classes (and the logit models their output kind). */
export function torchRegistration(name: TorchFixtureName, extra: Record<string, string> = {}): Record<string, string> {
  const sample = torchFixtureSample(name);
  const fields: Record<string, string> = { endpoint: name, name: `${name} torch`, version: '1.0.0', status: 'production', owner: 'tests' };
  // int64_model has its own label output with index classes, like a scikit-learn classifier
  if (sample.classes && name !== 'int64_model') fields.classes = JSON.stringify(sample.classes);
  if (sample.outputKind === 'logits') fields.output_kind = 'logits';
  return { ...fields, ...extra };
}

export async function registerTorch(server: TestServer, name: TorchFixtureName, extra: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.set('file', new Blob([torchFixtureModel(name)]), `${name}.onnx`);
  for (const [k, v] of Object.entries(torchRegistration(name, extra))) form.set(k, v);
  const res = await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
  return { status: res.status, body: await res.json() };
}

/** A nested output equals PyTorch's: same shape, integers exactly, floats within the tolerance. */
export function expectTensor(got: unknown, want: NestedNumbers, integer: boolean, tolerance: TorchFixtureSample['tolerance'], where: string): void {
  if (!Array.isArray(want)) {
    expect(typeof got, where).toBe('number');
    if (integer) expect(got, where).toBe(want);
    else expect(closeTo(got as number, want, tolerance), `${where}: ModelDesk ${String(got)}, PyTorch ${want}`).toBe(true);
    return;
  }
  expect(Array.isArray(got), `${where} is an array`).toBe(true);
  expect((got as unknown[]).length, `${where} length`).toBe(want.length);
  want.forEach((w, i) => expectTensor((got as unknown[])[i], w, integer, tolerance, `${where}[${i}]`));
}

/** One classic answer against PyTorch's expected outputs and, for classifiers, its label and probabilities. */
export function expectAnswer(sample: TorchFixtureSample, answer: any, expected: TorchExpected, where: string): void {
  expect(answer.status, `${where}: ${answer.message ?? ''}`).toBe('OK');
  for (const spec of sample.outputs) {
    expectTensor(answer.outputs[spec.name], expected.outputs[spec.name]!, spec.tensorType === 'int64', sample.tolerance, `${where} outputs.${spec.name}`);
  }
  if (expected.label === undefined) return;
  expect(answer.label, `${where} label`).toEqual(expected.label);
  const classes = sample.classes!;
  expect(Object.keys(answer.probabilities)).toEqual(classes.map(String));
  expected.probabilities!.forEach((p, j) => {
    const got = answer.probabilities[String(classes[j])];
    expect(closeTo(got, p, sample.tolerance), `${where} probabilities.${classes[j]}: ModelDesk ${got}, PyTorch ${p}`).toBe(true);
  });
  if (expected.probability !== undefined) expect(closeTo(answer.probability, expected.probability, sample.tolerance), `${where} probability`).toBe(true);
}
