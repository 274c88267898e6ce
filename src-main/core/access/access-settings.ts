import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidInput } from '../errors.ts';
import type { CoreEvents } from '../events.ts';

/**
 * `<dataDir>/access.json`: the access switches saved from the Server page or the API.
 *
 *   { "lan": true, "strict": false }
 *
 * `lan`: serve the LAN (every interface, keys on every route but health, HTTPS). It decides how
 * the server binds, so it applies at the next start; the desktop app reads it, and so does
 * `serve` when no --host is given. `strict`: requests without a credential reach only health
 * and the app's files, also on loopback; it applies at once. A file rather than a table, like
 * serving.json: it configures this machine, and a registry bundle must not carry it.
 */
export interface AccessSettings {
  lan: boolean;
  strict: boolean;
}

export const accessFileName = 'access.json';
const names = ['lan', 'strict'] as const;

export interface AccessSettingsState {
  saved: AccessSettings;
  /** strict as in effect now: saved, or fixed by `serve --strict` */
  strict: boolean;
  strictOnCommandLine: boolean;
}

export class AccessSettingsService {
  private saved: AccessSettings;

  constructor(
    private readonly dataDir: string,
    /** `serve --strict`: strict for this run whatever is saved */
    private readonly strictOnCommandLine: boolean,
    /** a save is announced as `access.changed` (the audit log records it) */
    private readonly events: CoreEvents
  ) {
    this.saved = readAccessFile(dataDir);
  }

  /** strict in effect now (read on every request) */
  get strict(): boolean {
    return this.strictOnCommandLine || this.saved.strict;
  }

  state(): AccessSettingsState {
    return { saved: { ...this.saved }, strict: this.strictOnCommandLine || this.saved.strict, strictOnCommandLine: this.strictOnCommandLine };
  }

  /** Saves the switches given (others keep their saved value); strict applies from the next request. */
  save(patch: Partial<AccessSettings>): AccessSettingsState {
    const next = { ...this.saved };
    for (const name of names) {
      const value = patch[name];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw invalidInput(`${name} must be true or false`, name);
      next[name] = value;
    }
    const changed = names.filter((name) => next[name] !== this.saved[name]);
    if (changed.length) {
      writeAtomically(join(this.dataDir, accessFileName), `${JSON.stringify(next, null, 2)}\n`);
      this.saved = next;
      this.events.emit('access.changed', { settings: { ...next }, changed });
    }
    return this.state();
  }
}

/** The saved switches (all off without a file); a bad file stops the start with its fault named. */
export function readAccessFile(dataDir: string): AccessSettings {
  const file = join(dataDir, accessFileName);
  const settings: AccessSettings = { lan: false, strict: false };
  if (!existsSync(file)) return settings;
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new Error(`${file} must hold a JSON object`);
  for (const [key, value] of Object.entries(stored)) {
    if (!(names as readonly string[]).includes(key)) throw new Error(`${file}: unknown setting "${key}"; it holds ${names.join(', ')}`);
    if (typeof value !== 'boolean') throw new Error(`${file}: ${key} must be true or false`);
    settings[key as keyof AccessSettings] = value;
  }
  return settings;
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
