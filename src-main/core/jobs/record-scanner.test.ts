import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readChunks, recordSpans, RecordScanner } from './record-scanner.ts';

const dir = mkdtempSync(join(tmpdir(), 'modeldesk-scanner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spansText(text: string, format: 'csv' | 'jsonl' = 'csv'): string[] {
  const bytes = Buffer.from(text);
  return recordSpans(bytes, format).map(([s, e]) => bytes.toString('utf8', s, e));
}

describe('recordSpans', () => {
  it('cuts at newlines, keeps a newline inside quotes, drops \\r before \\n', () => {
    expect(spansText('a,b\r\n"x\ny",z\n\n1,"2""\n"\nlast')).toEqual(['a,b', '"x\ny",z', '', '1,"2""\n"', 'last']);
  });

  it('opens quotes only at the start of a field: a stray quote does not swallow the next records', () => {
    expect(spansText('1,ab"c,2\n3,4\n5, "x\ny" ,6\n')).toEqual(['1,ab"c,2', '3,4', '5, "x\ny" ,6']);
    expect(spansText('"a""\nb",1\n2\n')).toEqual(['"a""\nb",1', '2']);
  });

  it('ignores quotes in JSON Lines (they are inside strings, which cannot hold a raw newline)', () => {
    expect(spansText('{"a":"x\\"y"}\n{"b":1}\n', 'jsonl')).toEqual(['{"a":"x\\"y"}', '{"b":1}']);
  });

  it('keeps its state across buffers', () => {
    const scanner = new RecordScanner('csv');
    expect(scanner.next(Buffer.from('1,"a'), 0)).toBe(-1);
    expect(scanner.insideQuotes).toBe(true);
    expect(scanner.next(Buffer.from('\nb",2\n3'), 0)).toBe(6);
  });

  it('reads an escaped quote split across buffers', () => {
    const scanner = new RecordScanner('csv');
    expect(scanner.next(Buffer.from('1,"a"'), 0)).toBe(-1);
    // the quote that ended the last buffer and this one's first make "": still inside the field
    expect(scanner.next(Buffer.from('"\nb",2\n'), 0)).toBe(7);
    expect(scanner.insideQuotes).toBe(false);
    const closed = new RecordScanner('csv');
    expect(closed.next(Buffer.from('1,"a"'), 0)).toBe(-1);
    expect(closed.next(Buffer.from(',2\n'), 0)).toBe(3);
  });
});

describe('readChunks', () => {
  it('cuts whole records, and the same cuts again from any cut it made', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => (i % 7 === 0 ? `${i},"multi\nline ${i}"` : `${i},plain`));
    const file = join(dir, 'many.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const chunks = [];
    for await (const chunk of readChunks(file, 'csv', 0, 1000)) chunks.push(chunk);
    expect(chunks.map((c) => recordSpans(c.bytes, 'csv').length)).toEqual([1000, 1000, 500]);
    expect(chunks.map((c) => c.bytes.toString()).join('')).toBe(lines.join('\n') + '\n');
    const resumed = [];
    for await (const chunk of readChunks(file, 'csv', chunks[1]!.start, 1000)) resumed.push(chunk);
    expect(resumed.map((c) => [c.start, c.end])).toEqual(chunks.slice(1).map((c) => [c.start, c.end]));
  });

  it('yields the last record without a final newline', async () => {
    const file = join(dir, 'tail.csv');
    writeFileSync(file, 'a\nb\nc');
    const chunks = [];
    for await (const chunk of readChunks(file, 'csv', 2, 2)) chunks.push(chunk.bytes.toString());
    expect(chunks).toEqual(['b\nc']);
  });
});
