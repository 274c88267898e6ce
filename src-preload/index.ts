import { contextBridge, ipcRenderer } from 'electron';
import type { ModelDeskBridge } from './api.d.ts';
import { bridgeChannels } from './channels.ts';

// Only these three calls cross the bridge: no ipcRenderer, no generic invoke.
const bridge = {
  token: () => ipcRenderer.invoke(bridgeChannels.token),
  openFile: (options) => ipcRenderer.invoke(bridgeChannels.openFile, options),
  saveFile: (options) => ipcRenderer.invoke(bridgeChannels.saveFile, options)
} satisfies ModelDeskBridge;

contextBridge.exposeInMainWorld('modeldesk', bridge);
