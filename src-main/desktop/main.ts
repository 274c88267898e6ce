import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { startServer, type RunningServer } from '../server/start.ts';
import type { OpenDialogOptions, SaveDialogOptions } from '../../src-preload/api.d.ts';
import { bridgeChannels } from '../../src-preload/channels.ts';
import { decideNavigation, isAppFrame, mayOpenExternally } from './navigation.ts';

/**
 * The desktop shell: start the same core + HTTP server as `npm run serve` on 127.0.0.1, then
 * open a window on that origin. Everything else (UI, API) is shared with headless mode.
 */
export function runDesktop(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let server: RunningServer | undefined;
  let window: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.whenReady().then(async () => {
    const root = app.getAppPath();
    server = await startServer({
      port: Number(process.env.MODELDESK_PORT ?? 8765),
      portFallback: true,
      data: process.env.MODELDESK_DATA_DIR ?? app.getPath('userData'),
      migrationsDir: join(root, 'db', 'migrations'),
      modelsDir: join(root, 'models'),
      uiDir: join(import.meta.dirname, '..', 'renderer'),
      sqliteNativeBinding: join(root, 'out', 'native', `electron-${process.versions.electron}`, 'better_sqlite3.node'),
      // electron-vite builds the job worker beside this file (electron.vite.config.ts)
      jobWorkerEntry: join(import.meta.dirname, 'job-worker.js')
    });
    trustOwnCertificate(server);
    registerBridge(server, () => window);
    askWhereToSaveDownloads(() => window);
    window = createWindow(server);
    Menu.setApplicationMenu(buildMenu(server, () => window));
  }).catch((err: unknown) => {
    dialog.showErrorBox('ModelDesk could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!server) return;
    event.preventDefault();
    const closing = server;
    server = undefined;
    void closing.close().finally(() => app.quit());
  });
}

function createWindow(server: RunningServer): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    title: 'ModelDesk',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false
    }
  });
  const origin = new URL(server.url).origin;
  // Navigation stays on the embedded server; https (and loopback http) opens in the user's
  // browser; any other scheme is refused rather than handed to the operating system.
  window.webContents.on('will-navigate', (event, url) => {
    const decision = decideNavigation(url, origin);
    if (decision === 'stay') return;
    event.preventDefault();
    if (decision === 'open-externally') void shell.openExternal(url);
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (mayOpenExternally(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${server.url}/`);
  return window;
}

/**
 * Serving the LAN (the Server page's switch, saved in access.json), the embedded server speaks
 * HTTPS with a certificate from its own local CA, which Chromium does not know. The window trusts
 * exactly that certificate on exactly this server's address, nothing else: every other
 * certificate error stays an error.
 */
function trustOwnCertificate(server: RunningServer): void {
  if (!server.tls) return;
  const own = server.tls.fingerprint256;
  const host = new URL(server.url).host;
  // compared from the certificate itself (PEM in `data`), not from Electron's fingerprint string
  const fingerprintOf = (pem: string) => {
    try {
      return new X509Certificate(pem).fingerprint256;
    } catch {
      return null;
    }
  };
  app.on('certificate-error', (event, _contents, url, _error, certificate, callback) => {
    const ours = new URL(url).host === host && fingerprintOf(certificate.data) === own;
    if (ours) event.preventDefault();
    callback(ours);
  });
}

/**
 * A registry export is a plain download (a one-time link): Electron streams it to the file the
 * user picks in this dialog, so the bundle never sits in the renderer's memory. There is no
 * download list in the app, so the outcome is reported in a message box when it ends.
 */
function askWhereToSaveDownloads(currentWindow: () => BrowserWindow | undefined): void {
  session.defaultSession.on('will-download', (_event, item) => {
    if (!new URL(item.getURL()).pathname.endsWith('/registry/export')) return;
    item.setSaveDialogOptions({
      title: 'Save registry bundle',
      defaultPath: join(app.getPath('downloads'), item.getFilename()),
      filters: [{ name: 'ModelDesk registry bundle', extensions: ['modeldesk'] }]
    });
    item.once('done', (_done, state) => {
      const win = currentWindow();
      if (state === 'cancelled') return;
      const message =
        state === 'completed'
          ? { type: 'info' as const, message: 'Registry bundle saved', detail: item.getSavePath() }
          : { type: 'error' as const, message: 'The registry bundle was not saved', detail: 'The download was interrupted; export again.' };
      void (win ? dialog.showMessageBox(win, message) : dialog.showMessageBox(message));
    });
  });
}

function registerBridge(server: RunningServer, currentWindow: () => BrowserWindow | undefined): void {
  const origin = new URL(server.url).origin;
  // only the app's own page (main frame, the server's origin) may call the bridge
  const checkSender = (event: IpcMainInvokeEvent) => {
    const frame = event.senderFrame;
    if (!isAppFrame(frame ? { url: frame.url, isMainFrame: frame.parent === null } : null, origin)) {
      throw new Error('refused: this call is answered only for the ModelDesk page');
    }
  };
  ipcMain.handle(bridgeChannels.token, (event) => {
    checkSender(event);
    return server.token;
  });
  ipcMain.handle(bridgeChannels.openFile, async (event, options: OpenDialogOptions) => {
    checkSender(event);
    const win = currentWindow();
    const picked = await (win ? dialog.showOpenDialog(win, dialogOptions(options)) : dialog.showOpenDialog(dialogOptions(options)));
    const path = picked.filePaths[0];
    if (picked.canceled || !path) return null;
    return { name: basename(path), path, bytes: new Uint8Array(await readFile(path)) };
  });
  // a batch job's input is read where it is: the path the user picked here is granted to jobs, and nothing is read now
  ipcMain.handle(bridgeChannels.pickJobInput, async (event) => {
    checkSender(event);
    const win = currentWindow();
    const options = { title: 'Choose a file to score', filters: [{ name: 'CSV or JSON Lines', extensions: ['csv', 'jsonl', 'ndjson', 'txt'] }], properties: ['openFile' as const] };
    const picked = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
    const path = picked.filePaths[0];
    if (picked.canceled || !path) return null;
    server.core.jobs.allowInputFile(path);
    return { name: basename(path), path, bytes: (await stat(path)).size };
  });
  ipcMain.handle(bridgeChannels.saveFile, async (event, options: SaveDialogOptions) => {
    checkSender(event);
    const win = currentWindow();
    const chosen = await (win ? dialog.showSaveDialog(win, dialogOptions(options)) : dialog.showSaveDialog(dialogOptions(options)));
    return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
  });
}

function dialogOptions(options: SaveDialogOptions) {
  return {
    ...(typeof options?.title === 'string' ? { title: options.title } : {}),
    ...(typeof options?.defaultPath === 'string' ? { defaultPath: options.defaultPath } : {}),
    ...(Array.isArray(options?.filters) ? { filters: options.filters } : {})
  };
}

function buildMenu(server: RunningServer, currentWindow: () => BrowserWindow | undefined): Menu {
  const go = (hash: string) => () => void currentWindow()?.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`);
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Register Model…', accelerator: 'CmdOrCtrl+N', click: go('#/models?register=1') },
        { label: 'Export Registry…', accelerator: 'CmdOrCtrl+E', click: go('#/models?export=1') },
        { label: 'Import Registry…', accelerator: 'CmdOrCtrl+I', click: go('#/models?import=1') },
        { type: 'separator' },
        { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Models', accelerator: 'CmdOrCtrl+1', click: go('#/models') },
        { label: 'Playground', accelerator: 'CmdOrCtrl+2', click: go('#/playground') },
        { label: 'Requests', accelerator: 'CmdOrCtrl+3', click: go('#/requests') },
        { label: 'A/B Tests', accelerator: 'CmdOrCtrl+4', click: go('#/abtests') },
        { label: 'Jobs', accelerator: 'CmdOrCtrl+5', click: go('#/jobs') },
        { label: 'Monitoring', accelerator: 'CmdOrCtrl+6', click: go('#/monitoring') },
        { label: 'Server', accelerator: 'CmdOrCtrl+7', click: go('#/server') },
        { label: 'Audit Log', accelerator: 'CmdOrCtrl+8', click: go('#/audit') },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { role: 'togglefullscreen' }
      ]
    },
    {
      role: 'help',
      submenu: [{ label: 'API Documentation', click: () => void shell.openExternal(`${server.url}/docs`) }]
    }
  ];
  return Menu.buildFromTemplate(template);
}
