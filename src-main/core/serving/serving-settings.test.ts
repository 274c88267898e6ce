import { describe, expect, it } from 'vitest';
import { perAlgorithmSettingNames, servingDefaults, servingSettingNames, settingRow } from '../../contract/serving-settings.ts';
import { ModelDeskError } from '../errors.ts';
import { resolveServingSettings, runtimeOf } from './serving-settings.ts';

function refusal(run: () => unknown): ModelDeskError {
  try {
    run();
  } catch (err) {
    if (err instanceof ModelDeskError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe("the core's checks come from the settings table", () => {
  it('nothing set: every setting takes the table default, and the pool gets the same', () => {
    const effective = resolveServingSettings({});
    expect(effective).toEqual({ ...servingDefaults, algorithms: {} });
    const runtime = runtimeOf(effective);
    expect(runtime).toEqual({
      intraOpThreads: servingDefaults.intra_op_threads,
      workerThreads: servingDefaults.worker_threads,
      maxLoggedRecordBytes: servingDefaults.max_logged_record_bytes,
      batching: { defaults: { maxBatchSize: servingDefaults.max_batch_size, maxWaitUs: servingDefaults.max_wait_us }, algorithms: {} },
      retention: { days: servingDefaults.log_retention_days, mb: servingDefaults.log_retention_mb }
    });
  });

  it('a value out of range, from the file or from a flag, is refused with the field and the range named', () => {
    for (const name of servingSettingNames) {
      const row = settingRow(name);
      const bad = row.type === 'boolean' ? 'yes' : row.maximum + 1;
      for (const [saved, flags] of [[{ [name]: bad }, {}], [{}, { [name]: bad }]]) {
        const err = refusal(() => resolveServingSettings(saved!, flags));
        expect(err.kind).toBe('invalid_input');
        expect(err.field).toBe(name);
        expect(err.message).toMatch(row.type === 'boolean' ? /must be true or false/ : new RegExp(`from ${row.minimum} to ${row.maximum}`));
      }
      if (row.perAlgorithm) {
        const err = refusal(() => resolveServingSettings({ algorithms: { '3': { [name]: bad } } }));
        expect(err.field).toBe(`algorithms.3.${name}`);
      } else {
        const err = refusal(() => resolveServingSettings({ algorithms: { '3': { [name]: row.default } } }));
        expect(err.field).toBe(`algorithms.3.${name}`);
        expect(err.message).toContain(`an algorithm can override ${perAlgorithmSettingNames.join(', ')}`);
      }
    }
    expect(refusal(() => resolveServingSettings({ algorithms: { forest: {} } })).field).toBe('algorithms.forest');
    expect(refusal(() => resolveServingSettings({ maxBatchSize: 8 } as never)).message).toMatch(/unknown setting "maxBatchSize"/);
  });

  it('flags win over saved values, per-algorithm ones included', () => {
    const effective = resolveServingSettings(
      { max_batch_size: 2, max_wait_us: 50, algorithms: { '1': { max_batch_size: 64, max_wait_us: 300 } } },
      { max_batch_size: 8 }
    );
    expect(effective).toMatchObject({ max_batch_size: 8, max_wait_us: 50, algorithms: { '1': { max_batch_size: 8, max_wait_us: 300 } } });
    expect(runtimeOf(effective).batching.algorithms['1']).toEqual({ maxBatchSize: 8, maxWaitUs: 300 });
  });
});
