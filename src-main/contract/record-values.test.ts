/** What a record value may be per input type; the encoder's own tests cover the messages in context. */
import { describe, expect, it } from 'vitest';
import { coerceValue, fieldKindOf, isNumericString, valueKindOf, type Fail } from './record-values.ts';

const fail: Fail = (message) => {
  throw new Error(message);
};
const coerce = (value: unknown, type: string, missing = true) => coerceValue(value, valueKindOf(type), type, 'f', fail, missing);

describe('coerceValue', () => {
  it('accepts numbers and plain decimal strings for numeric inputs', () => {
    expect(coerce('37', 'float32')).toBe(37);
    expect(coerce(' -1.5e3 ', 'float64')).toBe(-1500);
    expect(coerce('12', 'int64')).toBe(12);
    expect(() => coerce('0x1F', 'float32')).toThrow('field "f" must be a number, got "0x1F"');
  });

  it('takes null and "" as missing where the type can carry it', () => {
    expect(coerce(null, 'float32')).toBeNaN();
    expect(coerce('', 'float16')).toBeNaN();
    expect(coerce(null, 'string')).toBe('');
    expect(() => coerce(null, 'int32')).toThrow('field "f" is missing a value (int32 inputs cannot take missing values)');
  });

  it('refuses null and "" for a model that does not handle missing values, naming the field', () => {
    expect(() => coerce(null, 'float32', false)).toThrow('field "f" is null, but this model does not handle missing values (send a number)');
    expect(() => coerce(' ', 'float64', false)).toThrow('field "f" is empty, but this model does not handle missing values');
    expect(() => coerce(null, 'string', false)).toThrow('field "f" is null, but this model does not handle missing values (send a string)');
    expect(coerce('', 'string', false)).toBe('');
  });

  it('refuses values beyond float32\'s range for float32 inputs (they would become ±Infinity), not for float64', () => {
    expect(() => coerce(1e39, 'float32')).toThrow('field "f" must be within float32\'s range (±3.4028235e+38), got 1e+39');
    expect(() => coerce('-1e300', 'float32')).toThrow('got -1e+300');
    expect(coerce(3.4028234663852886e38, 'float32')).toBe(3.4028234663852886e38);
    expect(coerce(1e300, 'float64')).toBe(1e300);
    expect(() => coerce(70000, 'float16')).toThrow("float16's range");
  });

  it('keeps strings for string inputs and refuses numbers there', () => {
    expect(coerce('Private', 'string')).toBe('Private');
    expect(() => coerce(3, 'string')).toThrow('field "f" must be a string');
  });

  it('reads booleans, 0/1 and their strings for bool inputs', () => {
    expect([true, false, 1, 0, 'TRUE', ' false '].map((v) => coerce(v, 'bool'))).toEqual([1, 0, 1, 0, 1, 0]);
    expect(() => coerce('yes', 'bool')).toThrow('field "f" must be true or false');
  });

  it('checks integer range per type', () => {
    expect(coerce(255, 'uint8')).toBe(255);
    expect(() => coerce(256, 'uint8')).toThrow('field "f" must be between 0 and 255');
    expect(() => coerce(-1, 'uint64')).toThrow('must be between 0 and');
  });
});

describe('kinds', () => {
  it.each([
    ['float32', 'float', 'number'],
    ['float16', 'float16', 'number'],
    ['int64', 'bigint', 'number'],
    ['int8', 'int', 'number'],
    ['bool', 'bool', 'number'],
    ['string', 'string', 'string'],
    ['seq(map(string,tensor(float)))', 'unsupported', 'number']
  ])('%s → %s, shown as a %s field', (type, kind, field) => {
    expect(valueKindOf(type)).toBe(kind);
    expect(fieldKindOf(type)).toBe(field);
  });

  it('isNumericString', () => {
    expect(['1', '+2.', '.5', '3e-2'].every(isNumericString)).toBe(true);
    expect(['', 'Infinity', '1,5', '0b1', 'NaN'].some(isNumericString)).toBe(false);
  });
});
