// Electron entry (electron-vite builds it to out/main/index.js). All desktop code lives in
// src-main/desktop/; the core and server it starts are the same ones `npm run serve` runs.
import { runDesktop } from './desktop/main.ts';

runDesktop();
