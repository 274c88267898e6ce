import { expect } from 'vitest';
import { closeTo, fixtureSample, flatten, torchFixtureModel, torchFixtureSample, type TorchFixtureName } from '../fixtures/index.ts';
import type { TestServer } from '../helpers/server.ts';
import type { ClientOutput, ClientTensor, RawResponse } from './clients.ts';
import { oipErrors, oipResponseSchema } from './oip-schema.ts';

/**
 * The three models issue 14 holds the v2 clients to, as tensors the clients would send and the
 * answers their authors recorded: the seeded income forest (14 per-column inputs, strings among
 * them, a BYTES label), an int64 model (INT64 input and label) and a multi-output regressor.
 */

export interface ConformanceModel {
  /** the v2 model name (the endpoint) */
  model: string;
  /** the first `n` sample records as the client's input tensors */
  inputs(n: number, binary?: boolean): ClientTensor[];
  /** what each output must hold for those records (flat, row-major), and how close a float must be */
  expected(n: number): Record<string, (number | string)[]>;
  close(got: number, want: number): boolean;
}

const income = fixtureSample('income_rf');
export const incomeModel: ConformanceModel = {
  model: 'income_classifier',
  inputs: (n, binary = true) =>
    Object.keys(income.records[0]!).map((name) => {
      const values = income.records.slice(0, n).map((r) => r[name] as number | string);
      const text = typeof values[0] === 'string';
      return { name, datatype: text ? 'BYTES' : 'FP32', shape: [n, 1], data: values, binary };
    }),
  expected: (n) => ({
    output_label: income.expected.slice(0, n).map((e) => e.label!),
    output_probability: income.expected.slice(0, n).flatMap((e) => e.probabilities!)
  }),
  close: (got, want) => Math.abs(got - want) <= (income.tolerance.probability_abs ?? 1e-4)
};

function torchModel(fixture: TorchFixtureName, model: string, datatype: 'FP32' | 'INT64'): ConformanceModel {
  const sample = torchFixtureSample(fixture);
  return {
    model,
    inputs: (n, binary = true) => {
      const rows = sample.records.slice(0, n).map((r) => r.input as number[]);
      return [{ name: 'input', datatype, shape: [n, rows[0]!.length], data: rows.flat(), binary }];
    },
    expected: (n) =>
      Object.fromEntries(sample.outputs.map((o) => [o.name, sample.expected.slice(0, n).flatMap((e) => flatten(e.outputs[o.name]!))])),
    close: (got, want) => closeTo(got, want, sample.tolerance)
  };
}
export const int64Model = torchModel('int64_model', 'iris_mm', 'INT64');
export const multiRegressor = torchModel('multi_regressor', 'linnerud', 'FP32');
export const conformanceModels = [incomeModel, int64Model, multiRegressor];

/** Registers the two tensor models (the income models are seeded) as production algorithms, version "1". */
export async function registerConformanceModels(server: TestServer): Promise<void> {
  for (const [fixture, endpoint] of [
    ['int64_model', int64Model.model],
    ['multi_regressor', multiRegressor.model]
  ] as const) {
    const form = new FormData();
    form.set('file', new Blob([torchFixtureModel(fixture)]), `${fixture}.onnx`);
    for (const [k, v] of Object.entries({ endpoint, name: fixture, version: '1', status: 'production' })) form.set(k, v);
    const res = await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
    expect(res.status, await res.clone().text()).toBe(201);
  }
}

/** The outputs a client read hold what the model's authors recorded. */
export function expectOutputs(model: ConformanceModel, n: number, outputs: ClientOutput[], only?: string[]): void {
  const expected = model.expected(n);
  const names = only ?? Object.keys(expected);
  expect(outputs.map((o) => o.name).sort()).toEqual([...names].sort());
  for (const output of outputs) {
    const want = expected[output.name]!;
    expect(output.shape[0]).toBe(n);
    expect(output.values).toHaveLength(want.length);
    output.values.forEach((got, i) => {
      const w = want[i]!;
      if (typeof w === 'number' && !Number.isInteger(w)) expect(model.close(Number(got), w), `${output.name}[${i}] = ${String(got)}, want ${w}`).toBe(true);
      else expect(got).toEqual(w);
    });
  }
}

/**
 * A v2 answer is what the spec says for its route and status: the body matches the YAML's
 * schema, an error is `{"error": …}` with `Content-Type: application/json` exactly.
 */
export function expectSpecAnswer(method: 'GET' | 'POST', path: string, res: RawResponse, body: unknown = JSON.parse(res.body.toString('utf8'))): void {
  const schema = oipResponseSchema(method, path, res.status);
  expect(schema, `the spec has no ${method} ${path}`).not.toBeUndefined();
  if (schema !== null && schema !== undefined) expect(oipErrors(schema, body)).toEqual([]);
  if (res.status >= 400) {
    expect(res.headers['content-type']).toBe('application/json');
    expect(Object.keys(body as object)).toEqual(['error']);
  }
}
