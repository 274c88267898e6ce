/** The enums' three faces (list, schema, guard) say the same thing. */
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import * as enums from './enums.ts';

const sets = [
  [enums.algorithmStatusValues, enums.AlgorithmStatusSchema],
  [enums.taskValues, enums.TaskSchema],
  [enums.abModeValues, enums.AbModeSchema],
  [enums.abMetricValues, enums.AbMetricSchema],
  [enums.abTestStateValues, enums.AbTestStateSchema],
  [enums.requestStatusValues, enums.RequestStatusSchema]
] as const;

describe('contract enums', () => {
  it.each(sets.map(([values, schema]) => [values.join('|'), values, schema] as const))('%s: the schema takes exactly the listed values', (_name, values, schema) => {
    const check = Compile(schema);
    for (const value of values) expect(check.Check(value)).toBe(true);
    for (const other of ['', 'Production', 'unknown', 1, null]) expect(check.Check(other)).toBe(false);
  });

  it('isOneOf is the membership test', () => {
    expect(enums.isAlgorithmStatus('ab_testing')).toBe(true);
    expect(enums.isAlgorithmStatus('retired')).toBe(false);
    expect(enums.isOneOf(enums.abModeValues, 'shadow')).toBe(true);
    expect(enums.isOneOf(enums.abModeValues, undefined)).toBe(false);
  });

  it('every metric names the task it judges, and a task gets a metric that judges it', () => {
    for (const task of ['classification', 'regression'] as const) expect(enums.metricTask[enums.defaultMetricFor(task)]).toBe(task);
  });
});
