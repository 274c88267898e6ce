import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture rules of eslint.config.js, proved: each deliberate violation below is linted
 * as if it were a file in that folder (nothing is written) and must be reported, and the imports
 * each part is allowed must stay quiet, so a rule can neither vanish nor swallow the code.
 */

const repoRoot = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: repoRoot });
const architectureRules = new Set(['no-restricted-imports', 'no-restricted-syntax']);

async function architectureMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return result!.messages.filter((m) => m.ruleId !== null && architectureRules.has(m.ruleId)).map((m) => m.message);
}

const violations: [rule: string, file: string, code: string, reported: RegExp][] = [
  ['core never imports the server', 'src-main/core/serving/probe.ts', "import { buildServer } from '../../server/app.ts';", /HTTP server/],
  ['core never imports the desktop', 'src-main/core/probe.ts', "import { runDesktop } from '../desktop/main.ts';", /src-main\/desktop/],
  ['core never imports the cli', 'src-main/core/registry/probe.ts', "import { startHeadless } from '../../cli/headless.ts';", /src-main\/cli/],
  ['core never imports fastify', 'src-main/core/probe.ts', "import Fastify from 'fastify';", /HTTP framework/],
  ['core never imports @fastify/*', 'src-main/core/bundle/probe.ts', "import multipart from '@fastify/multipart';", /HTTP framework/],
  ['core never imports electron', 'src-main/core/probe.ts', "import { app } from 'electron';", /electron/],
  ['core never re-exports the server', 'src-main/core/probe.ts', "export { buildServer } from '../server/app.ts';", /HTTP server/],
  ['core never imports the server at run time either', 'src-main/core/probe.ts', "export const load = () => import('../server/app.ts');", /HTTP server/],
  ['server never imports the desktop', 'src-main/server/routes/probe.ts', "import { runDesktop } from '../../desktop/main.ts';", /src-main\/desktop/],
  ['server never imports electron', 'src-main/server/probe.ts', "import { dialog } from 'electron';", /electron/],
  ['server never imports the cli', 'src-main/server/probe.ts', "import { startHeadless } from '../cli/headless.ts';", /src-main\/cli/],
  ['desktop never imports the cli', 'src-main/desktop/probe.ts', "import { startHeadless } from '../cli/headless.ts';", /src-main\/cli/],
  ['the cli never imports the desktop', 'src-main/cli/probe.ts', "import { runDesktop } from '../desktop/main.ts';", /src-main\/desktop/],
  ['the cli never imports electron', 'src-main/cli/probe.ts', "import { app } from 'electron';", /electron/],
  ['db never imports the core', 'db/probe.ts', "import { createCore } from '../src-main/core/index.ts';", /only the isomorphic contract/],
  ['db never imports the core, even a type', 'db/probe.ts', "import type { ModelSignature } from '../src-main/core/inference/index.ts';", /only the isomorphic contract/],
  ['preload never imports the core', 'src-preload/probe.ts', "import { createCore } from '../src-main/core/index.ts';", /only the isomorphic contract/],
  ['preload never imports the desktop', 'src-preload/probe.ts', "import { runDesktop } from '../src-main/desktop/main.ts';", /only the isomorphic contract/],
  ['contract never imports the core', 'src-main/contract/probe.ts', "import { invalidInput } from '../core/errors.ts';", /imports nothing but itself/],
  ['contract never imports the cli', 'src-main/contract/probe.ts', "import { startHeadless } from '../cli/headless.ts';", /imports nothing but itself/],
  ['contract never imports db', 'src-main/contract/probe.ts', "import { requests } from '../../db/schema.ts';", /imports nothing but itself/],
  ['contract uses no node: built-in', 'src-main/contract/probe.ts', "import { readFileSync } from 'node:fs';", /no Node built-ins/],
  ['contract uses no bare built-in', 'src-main/contract/probe.ts', "import { join } from 'path';", /no Node built-ins/],
  ['contract uses no built-in subpath', 'src-main/contract/probe.ts', "import { readFile } from 'fs/promises';", /no Node built-ins/],
  ['contract uses no Node-only package', 'src-main/contract/probe.ts', "import Database from 'better-sqlite3';", /no Node-only packages/],
  ['renderer never imports the core', 'src-renderer/src/lib/probe.ts', "import { createCore } from '../../../src-main/core/index.ts';", /only the isomorphic contract/],
  ['renderer never imports the core, even a type', 'src-renderer/src/pages/Probe.tsx', "import type { Core } from '../../../src-main/core/index.ts';", /only the isomorphic contract/],
  ['renderer never imports the server', 'src-renderer/src/api/probe.ts', "import { buildServer } from '../../../src-main/server/app.ts';", /only the isomorphic contract/],
  ['renderer never imports the cli', 'src-renderer/src/probe.ts', "import { startHeadless } from '../../src-main/cli/headless.ts';", /only the isomorphic contract/],
  ['renderer never imports db', 'src-renderer/src/lib/probe.ts', "import { requests } from '../../../db/schema.ts';", /never touch the database/],
  ['renderer never loads the core lazily', 'src-renderer/src/lib/probe.ts', "export const load = () => import('../../../src-main/core/index.ts');", /only the isomorphic contract/]
];

const allowed: [what: string, file: string, code: string][] = [
  ['core uses Node and its own parts', 'src-main/core/serving/probe.ts', "import { readFileSync } from 'node:fs';\nimport { Registry } from '../registry/registry.ts';\nimport { requests } from '../../../db/schema.ts';"],
  ['server uses core, contract and fastify', 'src-main/server/routes/probe.ts', "import Fastify from 'fastify';\nimport { createCore } from '../../core/index.ts';\nimport { ErrorBody } from '../../contract/classic.ts';"],
  ['desktop uses electron, the preload bridge and the headless host', 'src-main/desktop/probe.ts', "import { app } from 'electron';\nimport { bridgeChannels } from '../../src-preload/channels.ts';\nimport { startHeadless } from '../headless.ts';"],
  ['cli uses core, server, contract and db', 'src-main/cli/probe.ts', "import { createCore } from '../core/index.ts';\nimport { buildServer } from '../server/app.ts';\nimport { ErrorBody } from '../contract/classic.ts';\nimport { openDatabase } from '../../db/open.ts';"],
  ['contract uses itself and typebox', 'src-main/contract/probe.ts', "import { Type } from 'typebox';\nimport { ErrorBody } from './classic.ts';"],
  ['db uses the contract', 'db/probe.ts', "import { ErrorBody } from '../src-main/contract/classic.ts';"],
  ['preload uses electron and its own channels', 'src-preload/probe.ts', "import { ipcRenderer } from 'electron';\nimport { bridgeChannels } from './channels.ts';"],
  ['renderer uses the contract', 'src-renderer/src/api/probe.ts', "import { ErrorBody } from '../../../src-main/contract/classic.ts';\nexport const load = () => import('../../../src-main/contract/abtests.ts');"]
];

describe('architecture rules (eslint.config.js)', () => {
  it.each(violations)('%s', async (_rule, file, code, reported) => {
    const messages = await architectureMessages(file, code);
    expect(messages.length, `${file}: ${code}`).toBeGreaterThan(0);
    expect(messages.join('\n')).toMatch(reported);
  });

  it.each(allowed)('allows it: %s', async (_what, file, code) => {
    expect(await architectureMessages(file, code)).toEqual([]);
  });
});
