import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../../../db/open.ts';
import { servingDefaults } from '../../contract/serving-settings.ts';
import { predictEveryFixture, registerEveryFixture } from '../../../test/helpers/every-fixture.ts';
import { download, upload } from '../../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import type { DecodeConfig } from '../inference/output-decoder.ts';
import { errorAnswer, loggedInput, loggedJson, type PredictionAnswer } from '../serving/answers.ts';
import { factsOfAlgorithm, type DecodingFacts } from './algorithm-facts.ts';
import { RowCodec, type AlgorithmFacts } from './row-codec.ts';

const migrationsDir = join(import.meta.dirname, '..', '..', '..', 'db', 'migrations');

/** an empty data directory's database, with one endpoint and algorithm 1 for the rows to point at */
function emptyLog(): ReturnType<typeof openDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-codec-'));
  const db = openDatabase(join(dir, 'modeldesk.db'), migrationsDir);
  onTestFinished(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

/** outputs become answers as they are: no label, no probabilities (a tensor model's raw outputs) */
const rawOutputs: DecodeConfig = { task: 'other', classes: null, labelOutput: null, probabilityOutput: null, predictionOutput: null, positiveIndex: null, threshold: null };
const keys = { algorithmId: 1, abTestId: 7 };
const okAnswer = (outputs: Record<string, unknown>): PredictionAnswer => ({ status: 'OK', request_id: 3, algorithm_id: 1, version: '1.0', ab_test_id: 7, outputs });

type StoredRow = Parameters<RowCodec['decode']>[0];
const roundTrip = (codec: RowCodec, record: unknown, answer: PredictionAnswer) => {
  const stored = codec.encode(keys, record, answer, servingDefaults.max_logged_record_bytes);
  return { stored, texts: codec.decode({ ...keys, status: answer.status, ...stored }) };
};

describe('the request-log row codec', () => {
  it('gives back the exact JSON of records and answers of every shape, storing them lean', () => {
    const codec = new RowCodec(emptyLog().sqlite, () => ({ version: '1.0', decode: rawOutputs }));
    const records: unknown[] = [
      { age: 37, 'education-num': 9, workclass: 'Private', note: 'ünïcødé "quoted" \\ \u2028', none: null, list: [1, [2, 3]], nested: { b: 1, 2: 'x' } },
      { __proto__: 'a key, not a prototype', constructor: 1 },
      JSON.parse('{"__proto__": {"x": 1}, "big": 1e21, "tiny": 5e-324, "negative": -0, "exp": 1.5e-7}'),
      { '': 'empty key', '10': 'integer-like keys', '2': 'first' },
      {}
    ];
    const outputs: Record<string, unknown>[] = [
      { label: 'yes', scores: [0.25, 0.75] },
      { logits: [[1.5, -2.25], [0.1, Math.fround(0.1)]], ids: [9007199254740991, -3], flags: [true, false] },
      { nan: [NaN, Infinity, -Infinity], zero: -0, empty: [], emptier: [[], []], doubles: [0.1, 1 / 3] },
      { text: ['a', '', 'ü'] }
    ];
    for (const record of records) {
      for (const out of outputs) {
        const { stored, texts } = roundTrip(codec, record, okAnswer(out));
        expect(texts).toEqual({ input: JSON.stringify(record), response: loggedJson(okAnswer(out)) });
        expect(Buffer.isBuffer(stored.input) && Buffer.isBuffer(stored.response), JSON.stringify(record)).toBe(true);
      }
    }
    const failed = errorAnswer('the model failed: "status":"OK" \u0000', { id: 1, version: '1.0' }, 7);
    const { stored, texts } = roundTrip(codec, records[0], failed);
    expect(texts.response).toBe(loggedJson(failed));
    expect(Buffer.isBuffer(stored.response)).toBe(true);
  });

  it('stores as JSON text what it cannot give back exactly: non-object records, ragged outputs, dropped properties', () => {
    const codec = new RowCodec(emptyLog().sqlite, () => ({ version: '1.0', decode: rawOutputs }));
    const cases: [unknown, PredictionAnswer][] = [
      [[5.1, 3.5, 1.4, 0.2], okAnswer({ y: [1] })],
      [{ a: 1, gone: undefined }, okAnswer({ y: [1] })],
      [{ a: 1 }, okAnswer({ ragged: [[1], [2, 3]] })],
      [{ a: 1 }, okAnswer({ mixed: [1, 'a'] })],
      [{ a: 1 }, okAnswer({ object: { k: 1 } })]
    ];
    for (const [record, answer] of cases) {
      const { texts } = roundTrip(codec, record, answer);
      expect(texts).toEqual({ input: JSON.stringify(record), response: loggedJson(answer) });
    }
    expect(typeof roundTrip(codec, [1, 2], okAnswer({ y: [1] })).stored.input).toBe('string');
    expect(typeof roundTrip(codec, { a: 1 }, okAnswer({ ragged: [[1], [2, 3]] })).stored.response).toBe('string');
  });

  it('logs an algorithm as text from the first row that would not come back byte for byte', () => {
    // the registry says version 2.0 while the answers say 1.0: rebuilt answers would differ
    const codec = new RowCodec(emptyLog().sqlite, (): AlgorithmFacts => ({ version: '2.0', decode: rawOutputs }));
    for (let i = 0; i < 3; i++) {
      const { stored, texts } = roundTrip(codec, { i }, okAnswer({ y: [i] }));
      expect(stored).toEqual({ input: JSON.stringify({ i }), response: loggedJson(okAnswer({ y: [i] })) });
      expect(texts.response).toBe(loggedJson(okAnswer({ y: [i] })));
    }
  });

  it('keeps a record of exactly max_logged_record_bytes as it came, and logs one byte more as the marker (issue 20 item 9)', () => {
    const codec = new RowCodec(emptyLog().sqlite, () => ({ version: '1.0', decode: rawOutputs }));
    const answer = okAnswer({ y: [1] });
    const limit = 1024;
    // multi-byte characters, so the count must be in UTF-8 bytes, not characters
    const recordOf = (bytes: number) => {
      const record = { 'clé': 'ü'.repeat(400), note: '' };
      record.note = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(record)));
      return record;
    };
    const atLimit = recordOf(limit);
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(limit);
    const kept = codec.encode(keys, atLimit, answer, limit);
    expect(Buffer.isBuffer(kept.input)).toBe(true);
    expect(codec.decode({ ...keys, status: 'OK', ...kept }).input).toBe(JSON.stringify(atLimit));

    const over = recordOf(limit + 1);
    const marked = codec.decode({ ...keys, status: 'OK', ...codec.encode(keys, over, answer, limit) });
    expect(marked.input).toBe(loggedInput(over, limit));
    expect(JSON.parse(marked.input).$truncated).toMatchObject({ bytes: limit + 1, limit });
  });

  it('reads rows stored before lean rows existed (JSON text) as they are', () => {
    const codec = new RowCodec(emptyLog().sqlite, () => null);
    const row: StoredRow = { algorithmId: 4, abTestId: null, status: 'OK', input: '{"a": 1}', response: '{"label":"x","status":"OK"}' };
    expect(codec.decode(row)).toEqual({ input: '{"a": 1}', response: '{"label":"x","status":"OK"}' });
  });
});

describe('lean request-log rows through the API', () => {
  // one server with every fixture model and its answers, for both tests (registering them all takes a while)
  let server: TestServer;
  let calls: Awaited<ReturnType<typeof predictEveryFixture>>;
  beforeAll(async () => {
    server = await startTestServer();
    calls = await predictEveryFixture(server, await registerEveryFixture(server), 3);
  });
  afterAll(() => server.stop());

  /** what GET /api/v1/mlrequests answered before issue #18 for each call: the record's JSON and the answer's, without request_id */
  function expectedRows(calls: Awaited<ReturnType<typeof predictEveryFixture>>) {
    const rows = new Map<number, { input: string; response: string }>();
    for (const call of calls) {
      expect(call.status, `${call.endpoint}: ${call.text}`).toBe(200);
      const body = JSON.parse(call.text) as PredictionAnswer & { predictions?: PredictionAnswer[] };
      const answers = body.predictions ?? [body];
      const sent = Array.isArray(call.body) ? call.body : [call.body];
      answers.forEach((answer, i) => rows.set(answer.request_id!, { input: JSON.stringify(sent[i]), response: loggedJson(answer) }));
    }
    return rows;
  }

  async function loggedRows(server: TestServer) {
    const page = (await server.json('/api/v1/mlrequests?page_size=1000', { admin: true })).body as { results: { id: number; input_data: string; full_response: string }[] };
    return new Map(page.results.map((r) => [r.id, { input: r.input_data, response: r.full_response }]));
  }

  it('GET /api/v1/mlrequests gives back, byte for byte, the record and the answer of every fixture model, from rows stored lean', async () => {
    const expected = expectedRows(calls);
    expect(await loggedRows(server)).toEqual(expected);
    const kinds = server.core.sqlite.prepare('select typeof(input) as input, typeof(response) as response, count(*) as n from requests group by 1, 2').all();
    expect(kinds).toEqual([{ input: 'blob', response: 'blob', n: expected.size }]);
  });

  it('a bundle carries the texts as answered, and an import stores them lean where they come back byte for byte', async () => {
    const target = await startTestServer({ seed: false });
    onTestFinished(() => target.stop());
    const bundle = await download(server, '?include_requests=true');
    expect((await upload(target, bundle)).status).toBe(200);
    const source = await loggedRows(server);
    const imported = [...(await loggedRows(target)).values()];
    expect(imported).toEqual([...source.values()]);
    expect(imported).toHaveLength(expectedRows(calls).size);
    // the imported algorithms got the ids they had, so their rows rebuild exactly and are stored lean
    const lean = target.core.sqlite.prepare("select count(*) from requests where typeof(input) = 'blob' and typeof(response) = 'blob'").pluck().get();
    expect(lean).toBe(imported.length);
  });
});

describe('rows stored by this version (test/fixtures/request-rows.json)', () => {
  interface Golden {
    algorithms: (DecodingFacts & { id: number })[];
    layouts: { id: number; names: string }[];
    rows: (Omit<StoredRow, 'input' | 'response'> & { input: string; response: string; lean: boolean; expected: { input: string; response: string } })[];
  }
  const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'request-rows.json'), 'utf8')) as Golden;

  it('still decode to exactly what was answered: a change to how outputs become answers must keep them so', () => {
    const db = emptyLog();
    const insert = db.sqlite.prepare('insert into request_layouts (id, names) values (?, ?)');
    for (const layout of golden.layouts) insert.run(layout.id, layout.names);
    const facts = new Map(golden.algorithms.map((a) => [a.id, factsOfAlgorithm(a)]));
    const codec = new RowCodec(db.sqlite, (id) => facts.get(id) ?? null);
    expect(golden.rows.length).toBeGreaterThan(30);
    for (const row of golden.rows) {
      const stored = (value: string) => (row.lean ? Buffer.from(value, 'base64') : value);
      expect(codec.decode({ ...row, input: stored(row.input), response: stored(row.response) })).toEqual(row.expected);
    }
  });
});
