/**
 * JSON records → validated rows → tensor feeds. Pure (no onnxruntime, no I/O) so that the
 * hot path is cheap and every rule in DESIGN §3 "Records to tensors" is unit-testable. The
 * rules themselves are the contract's, shared with the UI: which fields feed which input
 * (record-layout), how keys match (record-keys), what each value may be (record-values).
 * This class applies them and hands the cells to tensor-feeds.
 */
import { keyFinder, type KeyFinder } from '../../contract/record-keys.ts';
import { recordLayout, type InputSlot } from '../../contract/record-layout.ts';
import { coerceValue, type ElementType, type Fail } from '../../contract/record-values.ts';
import { invalidInput } from '../errors.ts';
import type { TensorInfo } from './signature.ts';
import { allocate, fill, type CellRow, type Feed } from './tensor-feeds.ts';

export type { Feed, FeedData } from './tensor-feeds.ts';

export type ValidRecord = { readonly __brand: 'ValidRecord' } & unknown;

/** Internal shape of a ValidRecord: one flat cell list, slot after slot. */
class Row implements CellRow {
  constructor(
    readonly owner: RecordEncoder,
    readonly cells: (number | string)[]
  ) {}
}

// Returned, not assigned, so the per-record closures carry no name (tsx's keepNames would
// otherwise call Object.defineProperty on each of them, on the hot path).
function failWith(where: string): Fail {
  return (message, field) => {
    throw invalidInput(where + message, field);
  };
}

export class RecordEncoder {
  private readonly slots: InputSlot[];
  /** vector mode: one input fed from featureNames order or an array record */
  private readonly vector: boolean;

  constructor(inputs: TensorInfo[], featureNames: string[] | null) {
    const layout = recordLayout(inputs, featureNames);
    this.slots = layout.slots;
    this.vector = layout.mode === 'vector';
  }

  validate(record: unknown, index?: number): ValidRecord {
    const where = index === undefined ? '' : `record ${index}: `;
    const fail = failWith(where);
    for (const slot of this.slots) {
      if (slot.kind === 'unsupported') fail(`input "${slot.input}" has type ${slot.type}, which ModelDesk cannot encode`);
    }
    const isArray = Array.isArray(record);
    if (record === null || typeof record !== 'object') {
      return fail(this.vector ? 'record must be a JSON object or an array of numbers' : 'record must be a JSON object');
    }
    const cells: (number | string)[] = [];
    if (this.vector) {
      const slot = this.slots[0]!;
      if (isArray) {
        const values = record as unknown[];
        if (slot.width !== null ? values.length !== slot.width : values.length === 0) {
          fail(`record must have ${slot.width ?? 'at least 1'} values, got ${values.length}`);
        }
        for (let j = 0; j < values.length; j++) {
          cells.push(coerceValue(values[j], slot.kind, slot.type, slot.fields?.[j] ?? `${slot.input}[${j}]`, fail));
        }
      } else {
        if (!slot.fields) {
          fail(`record must be an array of ${slot.width ?? 'the model\'s'} numbers (set feature_names to send JSON objects)`);
        }
        const fields = record as Record<string, unknown>;
        this.readFields(fields, slot, cells, fail, keyFinder(fields));
      }
    } else {
      if (isArray) fail('record must be a JSON object');
      const fields = record as Record<string, unknown>;
      const find = keyFinder(fields);
      for (const slot of this.slots) this.readFields(fields, slot, cells, fail, find);
    }
    return new Row(this, cells) as unknown as ValidRecord;
  }

  private readFields(record: Record<string, unknown>, slot: InputSlot, cells: (number | string)[], fail: Fail, find: KeyFinder): void {
    for (const field of slot.fields!) {
      const key = find(field);
      const value = key === undefined ? undefined : record[key];
      if (value === undefined) fail(`missing field "${field}"`, field);
      // A multi-column input in a multi-input model takes an array under its own name.
      if (!this.vector && slot.width !== 1) {
        if (!Array.isArray(value) || value.length !== slot.width) {
          fail(`field "${field}" must be an array of ${slot.width} values`, field);
        }
        for (const item of value as unknown[]) cells.push(coerceValue(item, slot.kind, slot.type, field, fail));
      } else {
        cells.push(coerceValue(value, slot.kind, slot.type, field, fail));
      }
    }
  }

  /** Builds one typed array per input holding every record, in record order. */
  toFeeds(records: ValidRecord[]): Record<string, Feed> {
    const rows = records as unknown as Row[];
    for (const row of rows) {
      if (!(row instanceof Row) || row.owner !== this) throw new Error('toFeeds() takes records returned by this model\'s validate()');
    }
    const n = rows.length;
    const feeds: Record<string, Feed> = {};
    let offset = 0;
    for (const slot of this.slots) {
      const width = slot.width ?? this.dynamicWidth(rows);
      // validate() refused every record for an input of another type, so rows exist only for element types
      const type = slot.type as ElementType;
      const data = allocate(type, n * width);
      fill(data, slot.kind, rows, offset, width);
      offset += width;
      const tail = slot.tail.map((d) => d ?? width);
      feeds[slot.input] = { type, data, dims: [n, ...tail] };
    }
    return feeds;
  }

  /** Vector input of unknown width: every array record in the batch must agree on its length. */
  private dynamicWidth(rows: Row[]): number {
    const width = rows[0]?.cells.length ?? 0;
    rows.forEach((row, i) => {
      if (row.cells.length !== width) {
        throw invalidInput(`record ${i}: has ${row.cells.length} values but record 0 has ${width}`);
      }
    });
    return width;
  }
}
