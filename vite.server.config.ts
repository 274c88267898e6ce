import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The headless server as built JavaScript for plain Node (`npm run build:server`, issue 19 §3):
 * src-main/cli/main.ts bundled into dist/server/main.js, run with `node dist/server/main.js serve`
 * (the container's command). An SSR build keeps every package in package.json external, so the
 * native addons (better-sqlite3, onnxruntime-node) load from node_modules as under tsx. The file
 * sits two folders below the repository root, like src-main/server/start.ts and out/main/index.js,
 * so it finds db/migrations, models/ and out/renderer the same way.
 */
export default defineConfig({
  build: {
    ssr: resolve(import.meta.dirname, 'src-main/cli/main.ts'),
    outDir: resolve(import.meta.dirname, 'dist/server'),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: 'main.js' } }
  },
  ssr: { target: 'node' }
});
