/** IPC channel names shared by the main process and the preload: `feature/verb`. */
export const bridgeChannels = {
  token: 'session/token',
  openFile: 'dialog/open-file',
  saveFile: 'dialog/save-file'
} as const;
