import { describe, expect, it } from 'vitest';
import { openReferenceFile } from './reference-file.ts';

async function* bytesOf(...chunks: (string | number[])[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield typeof c === 'string' ? new TextEncoder().encode(c) : new Uint8Array(c);
}

async function read(name: string, ...chunks: (string | number[])[]) {
  const file = await openReferenceFile(name, bytesOf(...chunks));
  const columns = await file.columns();
  const records = [];
  for await (const r of file.records()) records.push(r);
  return { format: file.format, columns, records };
}

describe('reference files', () => {
  it('read CSV with quotes, embedded commas and newlines, blanks trimmed, empty lines skipped, each row numbered', async () => {
    const { format, columns, records } = await read('train.csv', 'age, workclass\n39, "Private, ', 'inc"\n\n50,"a\nb"\n');
    expect(format).toBe('csv');
    expect(columns).toEqual(['age', 'workclass']);
    expect(records).toEqual([
      { record: { age: '39', workclass: 'Private, inc' }, at: 'data row 1' },
      { record: { age: '50', workclass: 'a\nb' }, at: 'data row 2' }
    ]);
  });

  it('read a UTF-8 BOM and multi-byte characters split across chunks', async () => {
    const text = new TextEncoder().encode('\uFEFFcountry\nMéxico\n');
    const cut = [...text].indexOf(0xc3) + 1;
    const { columns, records } = await read('x.csv', [...text.slice(0, cut)], [...text.slice(cut)]);
    expect(columns).toEqual(['country']);
    expect(records[0]!.record).toEqual({ country: 'México' });
  });

  it('read JSON Lines, and a JSON array of objects', async () => {
    expect((await read('t.jsonl', '{"a":1}\n\n{"a":2,"b":null}')).records.map((r) => r.record)).toEqual([{ a: 1 }, { a: 2, b: null }]);
    expect((await read('t.json', '[{"a":1},', '{"a":3}]')).records.map((r) => [r.record, r.at])).toEqual([[{ a: 1 }, 'line 1'], [{ a: 3 }, 'line 2']]);
    expect((await read('noext', '{"a":1}\n')).format).toBe('jsonl');
  });

  it('refuse what is not UTF-8, saying what it looks like', async () => {
    await expect(read('latin1.csv', [0x63, 0x0a, 0x4d, 0xe9, 0x78, 0x0a])).rejects.toThrow(/not UTF-8 text.*Latin-1 or Windows-1252: save it as UTF-8/);
    await expect(read('utf16.csv', [0xff, 0xfe, 0x61, 0x00])).rejects.toThrow(/UTF-16 text; save it as UTF-8/);
    await expect(read('model.onnx', [0x08, 0x07, 0x00, 0x12])).rejects.toThrow(/NUL bytes: it is not a text file/);
  });

  it('refuse malformed files naming the line', async () => {
    await expect(read('t.csv', 'a,b\n1,2\n3,4,5\n')).rejects.toThrow(/reference file: not valid CSV: .*line 3/);
    await expect(read('t.csv', 'a,b\n"1,2\n')).rejects.toThrow(/not valid CSV: .*(quote|Quote)/);
    await expect(read('t.jsonl', '{"a":1}\n{"a":\n')).rejects.toThrow(/line 2 is not valid JSON/);
    await expect(read('t.jsonl', '{"a":1}\n[1,2]\n')).rejects.toThrow(/line 2 is not a JSON object/);
    await expect(read('t.csv', '')).rejects.toThrow(/the file is empty/);
    await expect(read('t.jsonl', '\n\n')).rejects.toThrow(/the file is empty|holds no records/);
  });
});
