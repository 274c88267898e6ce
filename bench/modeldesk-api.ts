/** The few ModelDesk API calls the runner makes: counting log rows, starting the A/B test. */
import { adminToken, type ServerProcess } from './servers.ts';

export async function api(server: ServerProcess, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers }
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

export async function loggedRows(server: ServerProcess): Promise<number> {
  const { body } = await api(server, '/api/v1/mlrequests?page_size=1');
  return Number((body as { count?: number }).count ?? NaN);
}

/** Starts the A/B test of issue #6 (random forest vs logistic regression) and checks that it routes. */
export async function startAbTest(server: ServerProcess, predictPath: string, probeBody: string): Promise<string> {
  const created = await api(server, '/api/v1/abtests', {
    method: 'POST',
    body: JSON.stringify({
      title: 'bench: forest vs logistic regression',
      created_by: 'bench',
      parent_mlalgorithm_1: 1,
      parent_mlalgorithm_2: 2
    })
  });
  if (created.status >= 300) return `not active: POST /api/v1/abtests answered ${created.status} ${JSON.stringify(created.body)}`;
  const probe = await fetch(server.url + predictPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: probeBody });
  const answer = (await probe.json()) as { ab_test_id?: number | null };
  return answer.ab_test_id != null
    ? `active: A/B test ${answer.ab_test_id} splits every request between the two shipped algorithms`
    : 'created, but predictions came back without ab_test_id';
}
