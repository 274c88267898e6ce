import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * The architecture (README "Architecture", docs/DECISIONS.md), enforced. Each part of the app
 * gets one rule listing what it must not import. Every import in the project is a relative path
 * with its extension, so a part is recognised by the folder its specifier names:
 * '../../core/index.ts' from the server, '../src-main/core/x.ts' from db. ESLint replaces a
 * rule's options when two config objects match one file, so the parts' file globs never overlap.
 * test/architecture.test.ts lints one deliberate violation of each line below.
 */
const partFolder = (name) => `^\\.{1,2}/(?:.*/)?${name}/`;
const forbid = (regex, message) => ({ regex, message });
const nodeBuiltin = `^(?:node:|(?:${builtinModules.join('|')})(?:/|$))`;

const noServer = forbid(partFolder('server'), 'The core does not depend on the HTTP server that hosts it.');
const noDesktop = forbid(partFolder('desktop'), 'Only the Electron entry imports src-main/desktop: the app runs headless too.');
const noCli = forbid(partFolder('cli'), 'Nothing imports src-main/cli: it is an entry point (serve, export, import).');
const noPreload = forbid(partFolder('src-preload'), 'Only the desktop imports the preload (its bridge declaration).');
const noRenderer = forbid(partFolder('src-renderer'), 'The renderer is a browser app; nothing in the main process imports it.');
const noDb = forbid(partFolder('db'), 'The renderer and the preload never touch the database: they ask the server.');
const onlyContractOfSrcMain = forbid(`^\\.{1,2}/(?:.*/)?src-main/(?!contract/)`, 'Of src-main, only the isomorphic contract (src-main/contract) may be imported here.');
const noHttpFramework = forbid('^(?:fastify(?:$|/|-)|@fastify/)', 'The core does not depend on the HTTP framework (fastify).');
const noElectron = forbid('^electron(?:$|/)', 'Only src-main/desktop/ and the preload may import electron: the core and server run headless.');

const contractIsIsomorphic = [
  forbid('^\\.\\./', 'src-main/contract imports nothing but itself (./…): the browser runs what it shares.'),
  forbid(nodeBuiltin, 'src-main/contract is isomorphic: no Node built-ins (the browser runs it).'),
  forbid('^(?:electron|fastify|@fastify/|better-sqlite3|onnxruntime-node|drizzle-orm)(?:$|/)', 'src-main/contract is isomorphic: no Node-only packages.')
];

/** `import … from` and `export … from` (no-restricted-imports) and `import('…')` (no-restricted-syntax) alike. */
const mayNotImport = (files, restrictions) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: restrictions }],
    'no-restricted-syntax': [
      'error',
      ...restrictions.map(({ regex, message }) => ({
        // esquery regexes cannot hold a '/', so it is written \x2F
        selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\x2F')}/]`,
        message
      }))
    ]
  }
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'docs/**', 'test-results/**', 'playwright-report/**', '.modeldesk/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }]
    }
  },
  {
    // Tests read loosely-typed JSON responses on purpose.
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' }
  },
  mayNotImport(['src-main/core/**/*.ts'], [noServer, noDesktop, noCli, noPreload, noRenderer, noHttpFramework, noElectron]),
  mayNotImport(['src-main/server/**/*.ts'], [noDesktop, noCli, noPreload, noRenderer, noElectron]),
  // src-main/index.ts is the Electron entry: part of the desktop
  mayNotImport(['src-main/desktop/**/*.ts', 'src-main/index.ts'], [noCli, noRenderer]),
  // the command line may use core, server, contract and db, and nothing imports it
  mayNotImport(['src-main/cli/**/*.ts'], [noDesktop, noPreload, noRenderer, noElectron]),
  mayNotImport(['src-main/contract/**/*.ts'], contractIsIsomorphic),
  mayNotImport(['db/**/*.ts'], [onlyContractOfSrcMain, noPreload, noRenderer, noHttpFramework, noElectron]),
  mayNotImport(['src-preload/**/*.ts'], [onlyContractOfSrcMain, noDb, noRenderer]),
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } }
  },
  mayNotImport(['src-renderer/**/*.{ts,tsx}'], [onlyContractOfSrcMain, noDb, noPreload, noElectron])
);
