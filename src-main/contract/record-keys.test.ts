/** How record keys find a model's fields: the one rule the server and the Playground share. */
import { describe, expect, it } from 'vitest';
import { keyFinder, normaliseKey } from './record-keys.ts';

describe('normaliseKey', () => {
  it.each([
    ['education-num', 'education_num'],
    ['Hours Per  Week', 'hours_per_week'],
    // a run of non-alphanumerics is one "_": " (" is one separator, not two
    ['sepal length (cm)', 'sepal_length_cm_'],
    ['Sepal_Length__CM)', 'sepal_length_cm_'],
    ['already_ok', 'already_ok']
  ])('%s → %s', (key, expected) => expect(normaliseKey(key)).toBe(expected));
});

describe('keyFinder', () => {
  it('prefers the exact key, then any key that normalises alike', () => {
    const record = { 'education-num': 9, education_num: 10, 'Sepal Length (cm)': 5.1 };
    const find = keyFinder(record);
    expect(find('education_num')).toBe('education_num');
    expect(find('Education-Num')).toBe('education-num');
    expect(find('sepal length (cm)')).toBe('Sepal Length (cm)');
    expect(find('sepal_length_cm_')).toBe('Sepal Length (cm)');
    expect(find('petal length (cm)')).toBeUndefined();
  });

  it('does not match keys that differ in more than case and separators', () => {
    expect(keyFinder({ educationnum: 9 })('education-num')).toBeUndefined();
    expect(keyFinder({ 'sepal length': 5 })('sepal length (cm)')).toBeUndefined();
  });

  it('never reads a key from the prototype', () => {
    expect(keyFinder({})('constructor')).toBeUndefined();
    expect(keyFinder({})('toString')).toBeUndefined();
  });
});
