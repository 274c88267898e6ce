import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.ts';

// Explicit entries: the project uses src-main/, src-preload/ and src-renderer/ rather than
// electron-vite's default src/main, src/preload, src/renderer.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/index.ts'),
          // the batch job worker thread's entry (core/jobs/job-worker.ts), started by path at run time
          'job-worker': resolve(import.meta.dirname, 'src-main/core/jobs/job-worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        // sandboxed preloads must be CommonJS
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: rendererConfig
});
