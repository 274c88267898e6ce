import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import type { UserConfig } from 'vite';

/**
 * The renderer's Vite config, shared by electron-vite (desktop) and `npm run build:ui`
 * (headless serve builds only the UI, no Electron needed).
 */
export const rendererConfig: UserConfig = {
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'out', 'renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer', 'index.html') } }
  },
  server: { host: '127.0.0.1' }
};

export default rendererConfig;
