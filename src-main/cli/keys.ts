import { InvalidArgumentError, Option, type Command } from 'commander';
import { keyScopeValues, type KeyScope } from '../contract/access.ts';
import { keyState, type ApiKeyRecord } from '../core/access/api-keys.ts';
import { keyBody } from '../server/routes/key-routes.ts';
import { dataOption, withCore } from './data-dir.ts';

/**
 * `modeldesk keys create|list|revoke` (issue 17 §2): the same keys as the app's Server page and
 * `/api/v1/keys`, on the data directory directly (the server need not run; a running one
 * refuses a revoked key from its next request on).
 */
export function addKeyCommands(program: Command): void {
  const keys = program.command('keys').description('API keys: create (the secret is printed once), list, revoke');

  keys
    .command('create')
    .description('create an API key and print its secret, once')
    .argument('<name>', 'a name to recognise it by (audit log, request log, /metrics)')
    .addOption(new Option('--scope <scope>', 'predict: predictions and feedback; read: registry reads, request log, monitoring, exports; admin: everything').choices(keyScopeValues).makeOptionMandatory())
    .option('--endpoint <name>', 'predict keys: an endpoint it may call (repeat for several; default all)', (v: string, all: string[]) => [...all, v], [])
    .option('--expires <when>', 'an ISO date and time, or a duration from now: 30d, 12h, 45m', expiryOf)
    .option('--rate-limit <n>', 'requests per second; above it the server answers 429', rateOf)
    .addOption(dataOption())
    .option('--json', 'print the record and the secret as JSON (as POST /api/v1/keys answers)', false)
    .action(async (name: string, o: { scope: KeyScope; endpoint: string[]; expires?: string; rateLimit?: number; data: string; json: boolean }) => {
      await withCore(o.data, async (core) => {
        const { key, secret } = await core.keys.create({
          name,
          scope: o.scope,
          endpoints: o.endpoint.length ? o.endpoint : null,
          expiresAt: o.expires ?? null,
          rateLimit: o.rateLimit ?? null,
          createdBy: 'cli'
        });
        if (o.json) {
          console.log(JSON.stringify({ ...keyBody(key), key: secret }, null, 2));
          return;
        }
        console.log(`Created API key "${key.name}" (#${key.id}, ${describe(key)}).`);
        console.log('Its secret, shown this once (only a hash is stored): send it as "Authorization: Bearer <key>"');
        console.log(secret);
      });
    });

  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .addOption(dataOption())
    .option('--json', 'print them as JSON', false)
    .action(async (o: { data: string; json: boolean }) => {
      await withCore(o.data, async (core) => {
        const all = core.keys.list();
        if (o.json) {
          console.log(JSON.stringify(all.map(keyBody), null, 2));
          return;
        }
        if (!all.length) console.log('No API keys. Create one with: keys create <name> --scope predict|read|admin');
        for (const k of all) {
          const used = k.lastUsedAt ? `last used ${k.lastUsedAt} from ${k.lastUsedAddress ?? '?'}` : 'never used';
          console.log(`#${k.id}  ${k.name}  ${keyState(k, new Date())}  ${describe(k)}  ${used}`);
        }
      });
    });

  keys
    .command('revoke')
    .description('revoke an API key: a running server refuses it from its next request on')
    .argument('<id>', 'the key\'s id (keys list)', (v: string) => {
      if (!/^[1-9][0-9]*$/.test(v)) throw new InvalidArgumentError('must be a key id (a positive integer; see keys list)');
      return Number(v);
    })
    .addOption(dataOption())
    .action(async (id: number, o: { data: string }) => {
      await withCore(o.data, async (core) => {
        const key = await core.keys.revoke(id);
        console.log(`Revoked API key "${key.name}" (#${key.id}, ${key.prefix}…) at ${key.revokedAt}.`);
      });
    });
}

function describe(k: ApiKeyRecord): string {
  const parts = [`${k.prefix}…`, k.scope];
  if (k.endpoints) parts.push(`endpoints ${k.endpoints.join(', ')}`);
  if (k.expiresAt) parts.push(`expires ${k.expiresAt}`);
  if (k.rateLimit !== null) parts.push(`${k.rateLimit}/s`);
  return parts.join(', ');
}

/** `2026-01-31`, `2026-01-31T12:00:00Z` or `30d` / `12h` / `45m` from now */
function expiryOf(value: string): string {
  const relative = /^([1-9][0-9]*)([dhm])$/.exec(value.trim());
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return new Date(Date.now() + Number(relative[1]) * unit).toISOString();
  }
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) throw new InvalidArgumentError('must be an ISO date (2026-01-31T12:00:00Z) or a duration (30d, 12h, 45m)');
  return when.toISOString();
}

function rateOf(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of requests per second above 0');
  return n;
}
