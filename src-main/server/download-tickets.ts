import { randomBytes } from 'node:crypto';

/**
 * One-time tickets that let a browser download from an admin route without the admin token.
 *
 * A download the browser itself performs (a link click) streams to disk and shows its own
 * progress, but it cannot send an Authorization header. Fetching with the header instead means
 * holding the whole download in the page's memory, which a registry bundle of several GB does
 * not fit. So an admin first asks for a ticket (with the token), then the browser follows a link
 * carrying it. A ticket opens exactly one URL (route and query, as issued), once, within a
 * minute: whoever sees the link cannot turn it into another download.
 */
export class DownloadTickets {
  private readonly open = new Map<string, { url: string; expiresAt: number }>();

  constructor(
    private readonly lifetimeMs = 60_000,
    /** outstanding tickets kept at most; the oldest are dropped first */
    private readonly limit = 100
  ) {
    if (!(limit >= 1)) throw new Error('DownloadTickets needs room for at least one ticket');
  }

  /**
   * A ticket for one GET of `path` with `query`; `url` is the path, the query and the ticket,
   * to be requested exactly as given.
   */
  issue(path: string, query = new URLSearchParams()): { ticket: string; url: string; expiresAt: Date } {
    this.dropExpired();
    while (this.open.size >= this.limit) this.open.delete(this.open.keys().next().value!);
    const ticket = randomBytes(24).toString('base64url');
    const params = new URLSearchParams(query);
    params.set('ticket', ticket);
    const url = `${path}?${params}`;
    const expiresAt = Date.now() + this.lifetimeMs;
    this.open.set(ticket, { url, expiresAt });
    return { ticket, url, expiresAt: new Date(expiresAt) };
  }

  /** true once for the URL a ticket was issued for, before it expires; a ticket tried is spent either way */
  redeem(ticket: unknown, url: string): boolean {
    if (typeof ticket !== 'string') return false;
    const entry = this.open.get(ticket);
    if (!entry) return false;
    this.open.delete(ticket);
    return entry.url === url && entry.expiresAt > Date.now();
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [ticket, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(ticket);
  }
}
