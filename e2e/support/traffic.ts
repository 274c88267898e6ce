import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './server.ts';

type IncomeRecord = Record<string, string | number>;

/** The income fixtures' records (100 distinct ones), varied to as many as asked for. */
export function incomeRecords(count: number): IncomeRecord[] {
  const records = ['income_lr', 'income_rf'].flatMap(
    (name) => (JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', name, 'sample.json'), 'utf8')) as { records: IncomeRecord[] }).records
  );
  return Array.from({ length: count }, (_, i) => {
    const base = records[i % records.length]!;
    return { ...base, age: 18 + ((Number(base.age) + i) % 60), 'hours-per-week': 20 + (i % 50) };
  });
}

interface PredictAnswer { request_id: number; label: string; algorithm_id: number }

/** One classic predict call, as a client script makes it (no token: predict is open on loopback). */
export async function predict(baseUrl: string, endpoint: string, record: unknown, clientKey?: string): Promise<PredictAnswer> {
  const response = await fetch(`${baseUrl}/api/v1/${endpoint}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(clientKey ? { 'x-client-key': clientKey } : {}) },
    body: JSON.stringify(record)
  });
  if (!response.ok) throw new Error(`predict failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as PredictAnswer;
}

export async function sendFeedback(baseUrl: string, requestId: number, feedback: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/v1/mlrequests/${requestId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ feedback })
  });
  if (!response.ok) throw new Error(`feedback failed: ${response.status}`);
}

/**
 * Drives an A/B test as a client with ground truth would: predicts each record through the
 * endpoint (the test routes it) and sends feedback. The simulated truth agrees with `better`
 * every time and with the other arms one time in five, so the verdict has something to find.
 */
export async function driveTraffic(baseUrl: string, endpoint: string, records: IncomeRecord[], better: number): Promise<{ predictions: number }> {
  let predictions = 0;
  const queue = [...records.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, record] = next;
      const body = await predict(baseUrl, endpoint, record, `user-${i}`);
      const wrong = body.label === '>50K' ? '<=50K' : '>50K';
      await sendFeedback(baseUrl, body.request_id, body.algorithm_id === better || i % 5 === 0 ? body.label : wrong);
      predictions++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { predictions };
}
