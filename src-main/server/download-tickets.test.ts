import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { DownloadTickets } from './download-tickets.ts';

describe('DownloadTickets', () => {
  it('opens its own path once, and nothing after it expires', async () => {
    const tickets = new DownloadTickets(30);
    const { ticket } = tickets.issue('/a');
    expect(tickets.redeem(ticket, '/b')).toBe(false);
    // a ticket tried on another path is spent
    expect(tickets.redeem(ticket, '/a')).toBe(false);

    const second = tickets.issue('/a').ticket;
    expect(tickets.redeem(second, '/a')).toBe(true);
    expect(tickets.redeem(second, '/a')).toBe(false);

    const late = tickets.issue('/a').ticket;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(tickets.redeem(late, '/a')).toBe(false);
    expect(tickets.redeem(undefined, '/a')).toBe(false);
  });

  it('keeps a bounded number of outstanding tickets, dropping the oldest', () => {
    const tickets = new DownloadTickets(60_000, 3);
    const issued = [1, 2, 3, 4].map(() => tickets.issue('/a').ticket);
    expect(tickets.redeem(issued[0], '/a')).toBe(false);
    expect(issued.slice(1).map((t) => tickets.redeem(t, '/a'))).toEqual([true, true, true]);
  });
});

describe('downloading a registry bundle with a one-time ticket (GET /registry/export?ticket=)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const ticket = async () => {
    const res = await server.json('/api/v1/registry/export/tickets', { method: 'POST', admin: true });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expires_at)).toBeGreaterThan(Date.now());
    return res.body.ticket as string;
  };

  it('needs the admin token to get a ticket', async () => {
    const res = await server.json('/api/v1/registry/export/tickets', { method: 'POST' });
    expect(res.status).toBe(401);
  });

  it('lets a request without the token download the bundle once with the ticket', async () => {
    const t = await ticket();
    const res = await server.request(`/api/v1/registry/export?endpoint=income_classifier&ticket=${t}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.modeldesk"/);
    const { manifest, entries } = await openBundle(Buffer.from(await res.arrayBuffer()));
    expect(manifest.endpoints.map((e: { name: string }) => e.name)).toEqual(['income_classifier']);
    expect(entries.filter((e) => e.name.startsWith('artifacts/'))).toHaveLength(2);

    const again = await server.json(`/api/v1/registry/export?ticket=${t}`);
    expect(again.status).toBe(401);
    expect(again.body.message).toMatch(/admin token required/);
  });

  it('opens nothing else: not another admin route, and not with a made-up ticket', async () => {
    const t = await ticket();
    expect((await server.json(`/api/v1/mlrequests?ticket=${t}`)).status).toBe(401);
    expect((await server.json('/api/v1/registry/export?ticket=not-a-ticket')).status).toBe(401);
    // the ticket was not spent by the route it cannot open
    const res = await server.request(`/api/v1/registry/export?ticket=${t}`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
