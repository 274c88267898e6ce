import { contextBridge, ipcRenderer } from 'electron';
import type { ModelDeskBridge } from './api.d.ts';
import { bridgeChannels } from './channels.ts';

// Only these calls cross the bridge: no ipcRenderer, no generic invoke.
const bridge = {
  token: () => ipcRenderer.invoke(bridgeChannels.token),
  openFile: (options) => ipcRenderer.invoke(bridgeChannels.openFile, options),
  saveFile: (options) => ipcRenderer.invoke(bridgeChannels.saveFile, options),
  pickJobInput: () => ipcRenderer.invoke(bridgeChannels.pickJobInput)
} satisfies ModelDeskBridge;

contextBridge.exposeInMainWorld('modeldesk', bridge);
