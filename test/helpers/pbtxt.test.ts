/** The strict text-format parser the Triton config tests rely on: it must accept text format and refuse what the schema does not allow. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures/index.ts';
import { loadProto, parseTextFormat } from './pbtxt.ts';

const root = loadProto(readFileSync(join(repoRoot, 'test/standards/third_party/triton-common/model_config.proto'), 'utf8'));
const parse = (text: string) => parseTextFormat(root, 'inference.ModelConfig', text);

describe('parseTextFormat against model_config.proto', () => {
  it("reads Triton's documented forms: lists, repeated fields, <> and {} messages, maps, comments, enums by number", () => {
    const config = parse(`
      name: "a" # a comment
      max_batch_size: 0x10
      input [ { name: "x" data_type: TYPE_FP32 dims: [ 1 ] reshape: { shape: [ ] } }, { name: 'y' data_type: TYPE_STRING dims: [-1, 3] } ]
      output < name: "o" data_type: 8 dims: 2 dims: 3 label_filename: "l" "abc" >;
      dynamic_batching { preferred_batch_size: [ 8 ] max_queue_delay_microseconds: 100 }
      instance_group [ { count: 1 kind: KIND_CPU } ]
      parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
      parameters: { key: "b", value { string_value: "2" } }
      optimization { graph { level: -1 } }
    `);
    expect(config).toEqual({
      name: 'a',
      max_batch_size: 16,
      input: [
        { name: 'x', data_type: 'TYPE_FP32', dims: [1], reshape: { shape: [] } },
        { name: 'y', data_type: 'TYPE_STRING', dims: [-1, 3] }
      ],
      output: [{ name: 'o', data_type: 'TYPE_INT32', dims: [2, 3], label_filename: 'labc' }],
      dynamic_batching: { preferred_batch_size: [8], max_queue_delay_microseconds: 100 },
      instance_group: [{ count: 1, kind: 'KIND_CPU' }],
      parameters: { intra_op_thread_count: { string_value: '1' }, b: { string_value: '2' } },
      optimization: { graph: { level: -1 } }
    });
  });

  it.each([
    ['an unknown field', 'nme: "a"', 'ModelConfig has no field "nme"'],
    ['an unknown nested field', 'input { name: "x" shape: [1] }', 'ModelInput has no field "shape"'],
    ['a string for an integer', 'max_batch_size: "8"', 'expected an integer (int32)'],
    ['a fraction for an integer', 'max_batch_size: 1.5', 'expected an integer'],
    ['an integer out of range', 'max_batch_size: 3000000000', 'out of range for int32'],
    ['a negative unsigned', 'dynamic_batching { max_queue_delay_microseconds: -1 }', 'out of range for uint64'],
    ['an unknown enum value', 'input { data_type: TYPE_FOO }', 'not a value of enum DataType'],
    ['a bare word for a string', 'name: onnx', 'expected a string'],
    ['a scalar for a message', 'dynamic_batching: 1', 'takes a message'],
    ['a singular field twice', 'name: "a" name: "b"', 'ModelConfig.name is set twice'],
    ['a list on a singular field', 'name: ["a"]', 'is not repeated'],
    ['two members of a oneof', 'dynamic_batching {} sequence_batching {}', 'oneof scheduling_choice'],
    ['an unclosed list', 'instance_group [ { count: 1 kind: KIND_CPU }', 'expected "]"'],
    ['a map entry with another field', 'parameters { key: "a" vale { string_value: "1" } }', 'only key and value'],
    ['a scalar without a colon', 'name "a"', 'expected ":" after name'],
    ['an unterminated string', 'name: "a', 'unterminated string']
  ])('refuses %s', (_what, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
