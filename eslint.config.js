import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const electronOnlyInDesktop = {
  paths: [{ name: 'electron', message: 'Only src-main/desktop/ (and the preload) may import electron: the core runs headless.' }]
};

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
  {
    // The architecture, enforced: the core is pure Node, the server never touches Electron.
    files: ['src-main/core/**/*.ts', 'db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronOnlyInDesktop,
          patterns: [
            { group: ['fastify', '@fastify/*'], message: 'The core does not depend on the HTTP framework.' },
            { group: ['**/server/**', '**/desktop/**'], message: 'The core does not depend on its hosts.' }
          ]
        }
      ]
    }
  },
  {
    files: ['src-main/server/**/*.ts', 'src-main/contract/**/*.ts', 'src-main/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', electronOnlyInDesktop] }
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronOnlyInDesktop,
          patterns: [{ group: ['**/src-main/core/**', '**/src-main/server/**', '**/db/**'], message: 'The renderer talks to the core through the HTTP contract only (src-main/contract, type-only).' }]
        }
      ]
    }
  }
);
