/**
 * A large request log for bench/monitoring.bench.ts: real answers of the income models to the
 * Adult census rows, logged once through the core's prediction path, then replicated by direct
 * inserts over the past 30 days (ids in time order, as a server running for a month writes them).
 */
import type { Core } from '../src-main/core/index.ts';
import { adultRows } from '../test/fixtures/index.ts';

type Logged = { algorithm_id: number; input: string; response: string; label: string };

export async function fillLog(core: Core, rows: number): Promise<{ rows: number; feedbackShare: number }> {
  const sample = adultRows(4000);
  // 43% to the forest (algorithm 1), the rest to the logistic regression (2)
  for (const algorithmId of [1, 2]) {
    await core.infer('income_classifier', { kind: 'body', body: sample.map((r) => r.record) }, { algorithmId });
  }
  const logged = core.sqlite.prepare('select algorithm_id, input, response, label from requests order by id').all() as Logged[];
  const byAlgorithm = [1, 2].map((id) => logged.filter((l) => l.algorithm_id === id));
  const truth = sample.map((r) => r.income);
  const insert = core.sqlite.prepare(
    `insert into requests (endpoint_id, algorithm_id, shadow, input, response, label, status, latency_us, feedback, feedback_at, created_at)
     values (1, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`
  );
  const now = Date.now();
  const span = 30 * 86_400_000 - 3_600_000;
  let feedback = 0;
  const batch = 50_000;
  for (let from = 0; from < rows; from += batch) {
    core.sqlite.transaction(() => {
      for (let i = from; i < Math.min(rows, from + batch); i++) {
        const algorithm = i % 100 < 43 ? 1 : 2;
        const list = byAlgorithm[algorithm - 1]!;
        const row = list[i % list.length]!;
        const at = now - span + Math.floor((i / rows) * span);
        const failed = i % 1000 === 7;
        const labelled = i % 10 === 3;
        if (labelled) feedback++;
        insert.run(
          algorithm,
          row.input,
          failed ? '{"status":"Error","message":"the model failed"}' : row.response,
          failed ? 'error' : row.label,
          failed ? 'Error' : 'OK',
          200 + ((i * 7919) % 2000),
          labelled ? truth[i % truth.length]! : '',
          labelled ? new Date(at + 600_000).toISOString() : null,
          new Date(at).toISOString()
        );
      }
    })();
  }
  return { rows: rows + logged.length, feedbackShare: feedback / rows };
}
