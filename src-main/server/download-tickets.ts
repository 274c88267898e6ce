import { randomBytes } from 'node:crypto';

/**
 * One-time tickets that let a browser download from an admin route without the admin token.
 *
 * A download the browser itself performs (a link click) streams to disk and shows its own
 * progress, but it cannot send an Authorization header. Fetching with the header instead means
 * holding the whole download in the page's memory, which a registry bundle of several GB does
 * not fit. So an admin first asks for a ticket (with the token), then the browser follows a link
 * carrying it. A ticket opens one route, once, within a minute.
 */
export class DownloadTickets {
  private readonly open = new Map<string, { path: string; expiresAt: number }>();

  constructor(
    private readonly lifetimeMs = 60_000,
    /** outstanding tickets kept at most; the oldest are dropped first */
    private readonly limit = 100
  ) {}

  /** A ticket for one GET of `path` (the route's URL pattern, e.g. /api/v1/registry/export). */
  issue(path: string): { ticket: string; expiresAt: Date } {
    this.dropExpired();
    while (this.open.size >= this.limit) this.open.delete(this.open.keys().next().value!);
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + this.lifetimeMs;
    this.open.set(ticket, { path, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** true once for a ticket issued for this path and not yet expired; it is spent either way */
  redeem(ticket: unknown, path: string): boolean {
    if (typeof ticket !== 'string') return false;
    const entry = this.open.get(ticket);
    if (!entry) return false;
    this.open.delete(ticket);
    return entry.path === path && entry.expiresAt > Date.now();
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [ticket, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(ticket);
  }
}
