/**
 * IPC channel names of the bridge: `feature/verb`. They live with the bridge's shape (api.d.ts):
 * the desktop main process implements what the preload declares, so desktop imports from here
 * and the preload imports nothing from src-main.
 */
export const bridgeChannels = {
  token: 'session/token',
  openFile: 'dialog/open-file',
  saveFile: 'dialog/save-file',
  pickJobInput: 'jobs/pick-input'
} as const;
