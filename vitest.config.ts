import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'db/**/*.test.ts', 'test/**/*.test.ts'],
    // onnxruntime and better-sqlite3 are native: forks isolate them per file.
    pool: 'forks',
    // Vitest's default (cores − 1) is one fork on a 2-core machine; most files spend their time
    // waiting on a real server or a timer, so two forks there took the suite from 652 s to 436 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
});
