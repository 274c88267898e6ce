import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { DownloadTickets } from './download-tickets.ts';

describe('DownloadTickets', () => {
  it('opens the URL it was issued for, once, and nothing after it expires', async () => {
    const tickets = new DownloadTickets(30);
    const first = tickets.issue('/a', new URLSearchParams([['endpoint', 'x']]));
    expect(first.url).toBe(`/a?endpoint=x&ticket=${first.ticket}`);
    // another query (or path) is refused, and the ticket is spent
    expect(tickets.redeem(first.ticket, `/a?endpoint=y&ticket=${first.ticket}`)).toBe(false);
    expect(tickets.redeem(first.ticket, first.url)).toBe(false);

    const second = tickets.issue('/a');
    expect(tickets.redeem(second.ticket, second.url)).toBe(true);
    expect(tickets.redeem(second.ticket, second.url)).toBe(false);

    const late = tickets.issue('/a');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(tickets.redeem(late.ticket, late.url)).toBe(false);
    expect(tickets.redeem(undefined, late.url)).toBe(false);
  });

  it('keeps a bounded number of outstanding tickets, dropping the oldest', () => {
    const tickets = new DownloadTickets(60_000, 3);
    const issued = [1, 2, 3, 4].map(() => tickets.issue('/a'));
    expect(tickets.redeem(issued[0]!.ticket, issued[0]!.url)).toBe(false);
    expect(issued.slice(1).map((t) => tickets.redeem(t.ticket, t.url))).toEqual([true, true, true]);
    expect(() => new DownloadTickets(60_000, 0)).toThrow(/at least one/);
  });
});

describe('downloading a registry bundle with a one-time ticket (GET /registry/export?ticket=)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const link = async (options: Record<string, unknown> = {}) => {
    const res = await server.json('/api/v1/registry/export/tickets', { method: 'POST', admin: true, json: options });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expires_at)).toBeGreaterThan(Date.now());
    return res.body as { ticket: string; url: string };
  };

  it('needs the admin token to get a link', async () => {
    const res = await server.json('/api/v1/registry/export/tickets', { method: 'POST', json: {} });
    expect(res.status).toBe(401);
  });

  it('checks the endpoints when the link is asked for, not when the browser follows it', async () => {
    const res = await server.json('/api/v1/registry/export/tickets', {
      method: 'POST',
      admin: true,
      json: { endpoint: ['income_classifier', 'nope'] }
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ field: 'endpoint', message: 'endpoint "nope" not found' });
  });

  it('lets a request without the token download exactly the export it was issued for, once', async () => {
    const { url } = await link({ endpoint: ['income_classifier'], include_requests: false });
    const res = await server.request(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.modeldesk"/);
    const { manifest, entries } = await openBundle(Buffer.from(await res.arrayBuffer()));
    expect(manifest.endpoints.map((e: { name: string }) => e.name)).toEqual(['income_classifier']);
    expect(entries.filter((e) => e.name.startsWith('artifacts/'))).toHaveLength(2);

    const again = await server.json(url);
    expect(again.status).toBe(401);
    expect(again.body.message).toMatch(/needs a credential/);
  });

  it('opens nothing else: not another export, not another admin route, not a made-up ticket', async () => {
    const { url } = await link();
    // the request log cannot be added to a link issued without it (and that try spends the ticket)
    expect((await server.json(`${url}&include_requests=true`)).status).toBe(401);
    expect((await server.json(url)).status).toBe(401);

    const other = await link();
    expect((await server.json(`/api/v1/mlrequests?ticket=${other.ticket}`)).status).toBe(401);
    expect((await server.json('/api/v1/registry/export?ticket=not-a-ticket')).status).toBe(401);
    // not spent by the route it cannot open
    const res = await server.request(other.url);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
