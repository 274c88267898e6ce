/**
 * JSON records → validated rows → tensor feeds. Pure (no onnxruntime, no I/O) so that the
 * hot path is cheap and every rule in DESIGN §3 "Records to tensors" is unit-testable. The
 * rules themselves are the contract's, shared with the UI: which fields feed which input
 * (record-layout), how keys match (record-keys), what each value may be (record-values), and
 * how a tensor value is read (record-tensors). This class applies them and hands the cells to
 * tensor-feeds.
 */
import { keyFinder, type KeyFinder } from '../../contract/record-keys.ts';
import { recordLayout, type InputSlot } from '../../contract/record-layout.ts';
import { checkRange, readTensor } from '../../contract/record-tensors.ts';
import { coerceValue, describeValue, type ElementType, type Fail } from '../../contract/record-values.ts';
import { invalidInput } from '../errors.ts';
import type { TensorInfo } from './signature.ts';
import { allocate, fill, type CellRow, type Feed } from './tensor-feeds.ts';

export type { Feed, FeedData } from './tensor-feeds.ts';

export type ValidRecord = { readonly __brand: 'ValidRecord' } & unknown;

/** Internal shape of a ValidRecord: one flat cell list, slot after slot. */
class Row implements CellRow {
  constructor(
    readonly owner: RecordEncoder,
    readonly cells: (number | string)[],
    /** each slot's dims for this record, when the layout has a dynamic dim (else the slots' own) */
    readonly dims: number[][] | null,
    /** equal for records that can share a run: '' unless a dynamic dim is involved */
    readonly shape: string
  ) {}
}

// Returned, not assigned, so the per-record closures carry no name (tsx's keepNames would
// otherwise call Object.defineProperty on each of them, on the hot path).
function failWith(where: string): Fail {
  return (message, field) => {
    throw invalidInput(where + message, field);
  };
}

/** A slot read as one plain value per field (skl2onnx columns, feature names): the fast path. */
const isColumn = (slot: InputSlot): boolean => slot.width === 1 && slot.dims.every((d) => d === 1 || d === null);

export interface EncoderOptions {
  /** the model handles missing values (it imputes them): `null` passes as NaN / "" */
  handlesMissing?: boolean;
}

export class RecordEncoder {
  private readonly slots: InputSlot[];
  /** vector mode: one input fed from featureNames order or an array record */
  private readonly vector: boolean;
  private readonly missing: boolean;
  /** some input has a dynamic dim after the batch: records may differ in shape */
  private readonly dynamic: boolean;
  /** per slot: read as one plain value per field unless the record gives an array */
  private readonly columns: Set<InputSlot>;

  constructor(inputs: TensorInfo[], featureNames: string[] | null, options: EncoderOptions = {}) {
    const layout = recordLayout(inputs, featureNames);
    this.slots = layout.slots;
    this.vector = layout.mode === 'vector';
    this.missing = options.handlesMissing ?? false;
    this.dynamic = this.slots.some((slot) => slot.dims.includes(null));
    this.columns = new Set(this.slots.filter(isColumn));
  }

  validate(record: unknown, index?: number): ValidRecord {
    const where = index === undefined ? '' : `record ${index}: `;
    const fail = failWith(where);
    for (const slot of this.slots) {
      if (slot.kind === 'unsupported') fail(`input "${slot.input}" has type ${slot.type}, which ModelDesk cannot encode`);
    }
    if (record === null || typeof record !== 'object') {
      return fail(this.vector ? 'record must be a JSON object or an array of numbers' : 'record must be a JSON object');
    }
    const cells: (number | string)[] = [];
    const dims: number[][] | null = this.dynamic ? [] : null;
    if (this.vector) this.readVector(record, cells, dims, fail);
    else {
      if (Array.isArray(record)) fail('record must be a JSON object');
      const fields = record as Record<string, unknown>;
      const find = keyFinder(fields);
      for (const slot of this.slots) this.readSlot(fields, slot, cells, dims, fail, find);
    }
    const shape = dims ? dims.map((d) => d.join('x')).join(';') : '';
    return new Row(this, cells, dims, shape) as unknown as ValidRecord;
  }

  /** The one input of a vector layout: an array record, the input by name, or the feature names. */
  private readVector(record: object, cells: (number | string)[], dims: number[][] | null, fail: Fail): void {
    const slot = this.slots[0]!;
    const flat = Array.isArray(record) && !record.some(Array.isArray);
    if (flat && slot.dims.length <= 1) {
      // the classic form: one array of numbers in the model's column order
      const values = record as unknown[];
      if (slot.width !== null ? values.length !== slot.width : values.length === 0) {
        fail(`record must have ${slot.width ?? 'at least 1'} values, got ${values.length}`);
      }
      for (let j = 0; j < values.length; j++) {
        const field = slot.fields?.[j] ?? `${slot.input}[${j}]`;
        const cell = coerceValue(values[j], slot.kind, slot.type, field, fail, this.missing);
        checkRange(cell, slot, field, fail);
        cells.push(cell);
      }
      dims?.push([values.length]);
      return;
    }
    if (Array.isArray(record)) {
      const read = readTensor(record, slot, fail, this.missing, cells);
      dims?.push(read);
      return;
    }
    const fields = record as Record<string, unknown>;
    const find = keyFinder(fields);
    const key = find(slot.input);
    // the input by its own name, unless that name is also one of the feature names
    if (key !== undefined && !slot.fields?.includes(slot.input)) {
      const read = readTensor(fields[key], slot, fail, this.missing, cells);
      dims?.push(read);
      return;
    }
    if (!slot.fields) {
      const keys = Object.keys(fields).slice(0, 5).map((k) => JSON.stringify(k)).join(', ');
      fail(
        `record must be an array of ${slot.width ?? "the model's"} numbers or {"${slot.input}": …}; ` +
          `got an object with ${keys ? `keys ${keys}` : 'no keys'} (set feature_names to send one field per feature)`
      );
    }
    this.readSlot(fields, slot, cells, dims, fail, find);
  }

  /** A slot from the record's fields: each feature name's value, or the input's own (a tensor). */
  private readSlot(record: Record<string, unknown>, slot: InputSlot, cells: (number | string)[], dims: number[][] | null, fail: Fail, find: KeyFinder): void {
    for (const field of slot.fields!) {
      const key = find(field);
      const value = key === undefined ? undefined : record[key];
      if (value === undefined) fail(`missing field "${field}"`, field);
      if (this.vector || (this.columns.has(slot) && !Array.isArray(value))) {
        const cell = coerceValue(value, slot.kind, slot.type, field, fail, this.missing);
        checkRange(cell, slot, field, fail);
        cells.push(cell);
      } else {
        const read = readTensor(value, slot, fail, this.missing, cells);
        dims?.push(read);
        continue;
      }
      // a column input with a dynamic inner dim still takes one value here
      if (!this.vector) dims?.push(slot.dims.map(() => 1));
    }
    if (this.vector) dims?.push([slot.fields!.length]);
  }

  /** Equal for records that may run together (the batcher groups requests by it). */
  shapeOf(record: ValidRecord): string {
    return (record as unknown as Row).shape;
  }

  /** Builds one typed array per input holding every record, in record order; all of one shape (shapeOf). */
  toFeeds(records: ValidRecord[]): Record<string, Feed> {
    const rows = records as unknown as Row[];
    const first = rows[0];
    for (const row of rows) {
      if (!(row instanceof Row) || row.owner !== this) throw new Error('toFeeds() takes records returned by this model\'s validate()');
      if (row.shape !== first!.shape) throw new Error(`toFeeds() takes records of one shape; got ${describeValue(row.shape)} and ${describeValue(first!.shape)}`);
    }
    const n = rows.length;
    const feeds: Record<string, Feed> = {};
    let offset = 0;
    this.slots.forEach((slot, s) => {
      const dims = first?.dims?.[s] ?? slot.dims.map((d) => d ?? 1);
      const width = dims.reduce((a, d) => a * d, 1);
      // validate() refused every record for an input of another type, so rows exist only for element types
      const type = slot.type as ElementType;
      const data = allocate(type, n * width);
      fill(data, slot.kind, rows, offset, width);
      offset += width;
      feeds[slot.input] = { type, data, dims: [n, ...this.feedTail(slot, dims)] };
    });
    return feeds;
  }

  /** The dims after the batch dim as fed: the record's own, except a column read as [N, 1]. */
  private feedTail(slot: InputSlot, dims: number[]): number[] {
    // skl2onnx columns of unknown or dynamic inner shape are fed as [N, 1] (the layout's tail)
    return slot.dims.every((d) => d === null || d === 1) && dims.every((d) => d === 1) ? slot.tail.map(() => 1) : dims;
  }
}
