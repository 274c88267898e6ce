// better-sqlite3 is a native addon: Electron needs a build for its own ABI, plain Node (tests,
// `npm run serve`) needs the one `npm install` made. Rather than rebuilding node_modules back and
// forth, build a second copy for Electron under out/native/ and hand its path to the database
// (better-sqlite3's `nativeBinding` option). Runs only when that copy is missing.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const target = join(root, 'out', 'native', `electron-${electronVersion}`, 'better_sqlite3.node');

if (existsSync(target)) process.exit(0);

const work = join(root, 'out', 'native', 'better-sqlite3-build');
rmSync(work, { recursive: true, force: true });
cpSync(join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) });
console.log(`Preparing better-sqlite3 for Electron ${electronVersion} (once)…`);
try {
  // better-sqlite3 publishes prebuilt binaries for Electron: no compiler needed where they exist.
  execFileSync(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime=electron', `--target=${electronVersion}`], {
    cwd: work,
    stdio: 'inherit'
  });
} catch {
  const nodeGyp = process.env.npm_config_node_gyp;
  if (!nodeGyp) {
    console.error('No prebuilt binary was found; run this through npm (npm start), which provides node-gyp to compile one.');
    process.exit(1);
  }
  execFileSync(
    process.execPath,
    [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    { cwd: work, stdio: 'inherit' }
  );
}
mkdirSync(dirname(target), { recursive: true });
cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
rmSync(work, { recursive: true, force: true });
