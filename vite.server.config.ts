import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The headless server as built JavaScript for plain Node (`npm run build:server`, issue 19 §3):
 * src-main/cli/main.ts bundled into dist/server/main.js, run with `node dist/server/main.js serve`
 * (the container's command). An SSR build keeps every package in package.json external, so the
 * native addons (better-sqlite3, onnxruntime-node) load from node_modules as under tsx. The file
 * sits two folders below the repository root, like src-main/server/start.ts and out/main/index.js,
 * so it finds db/migrations, models/ and out/renderer the same way. The batch job worker
 * (core/jobs/job-worker.ts) is a second entry, dist/server/job-worker.js: job-workers.ts starts
 * it by path from beside the bundle, as the desktop build does with out/main/job-worker.js.
 */
export default defineConfig({
  build: {
    // the entries are rollupOptions.input below (a string here would be the only one)
    ssr: true,
    outDir: resolve(import.meta.dirname, 'dist/server'),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'src-main/cli/main.ts'),
        'job-worker': resolve(import.meta.dirname, 'src-main/core/jobs/job-worker.ts')
      },
      output: { format: 'es', entryFileNames: '[name].js' }
    }
  },
  ssr: { target: 'node' }
});
