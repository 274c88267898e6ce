import { describe, expect, it } from 'vitest';
import { parseFeatureNames } from '../src-renderer/src/lib/feature-names.ts';

describe('feature names as pasted', () => {
  const wine = ['alcohol', 'malic_acid', 'od280/od315_of_diluted_wines'];

  it('takes a JSON array, a CSV header and one name per line alike', () => {
    expect(parseFeatureNames('["alcohol", "malic_acid", "od280/od315_of_diluted_wines"]')).toEqual({ names: wine });
    expect(parseFeatureNames('alcohol,malic_acid, od280/od315_of_diluted_wines')).toEqual({ names: wine });
    expect(parseFeatureNames('alcohol\nmalic_acid\r\n\nod280/od315_of_diluted_wines\n')).toEqual({ names: wine });
  });

  it('reads quoted CSV cells with commas and quotes in them', () => {
    expect(parseFeatureNames('"sepal length (cm)","a, b","say ""hi"""')).toEqual({ names: ['sepal length (cm)', 'a, b', 'say "hi"'] });
  });

  it('says what is wrong: empty names, repeats, bad JSON; nothing typed is no names', () => {
    expect(parseFeatureNames('a,,b')).toEqual({ error: 'A name is empty (two commas in a row?)' });
    expect(parseFeatureNames('a\nb\na')).toEqual({ error: '"a" appears twice' });
    expect(parseFeatureNames('["a",')).toEqual({ error: 'Not a valid JSON array' });
    expect(parseFeatureNames('[1, 2]')).toEqual({ error: 'The JSON array must hold names (strings)' });
    expect(parseFeatureNames('  \n ')).toBeNull();
  });
});
