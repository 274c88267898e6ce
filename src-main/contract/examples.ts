/**
 * The classic tutorial's example record (seed-api.md §4.6), with its hyphenated keys: what the
 * Playground offers for the income classifier and what the tests send. Declared once here so
 * the UI's example and the tests' record cannot drift apart.
 */
export const tutorialRecord = {
  age: 37,
  workclass: 'Private',
  fnlwgt: 34146,
  education: 'HS-grad',
  'education-num': 9,
  'marital-status': 'Married-civ-spouse',
  occupation: 'Craft-repair',
  relationship: 'Husband',
  race: 'White',
  sex: 'Male',
  'capital-gain': 0,
  'capital-loss': 0,
  'hours-per-week': 68,
  'native-country': 'United-States'
} as const satisfies Record<string, string | number>;
