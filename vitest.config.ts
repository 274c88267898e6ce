import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'db/**/*.test.ts', 'test/**/*.test.ts'],
    // onnxruntime and better-sqlite3 are native: forks isolate them per file.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
});
