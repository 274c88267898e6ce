/**
 * What the desktop app's preload exposes to the page as `window.modeldesk`. In a browser
 * (headless `npm run serve`) it is absent and the page reads the token from its URL instead.
 */
export interface SaveDialogOptions {
  title?: string;
  defaultPath?: string;
  filters?: { name: string; extensions: string[] }[];
}

export type OpenDialogOptions = SaveDialogOptions;

export interface PickedFile {
  name: string;
  path: string;
  bytes: Uint8Array;
}

/** A file a batch job will read where it is (its path is granted to the server's jobs, nothing is read here). */
export interface PickedJobInput {
  name: string;
  path: string;
  bytes: number;
}

export interface ModelDeskBridge {
  /** the per-launch admin token of the embedded server */
  token(): Promise<string>;
  /** native open dialog; resolves null when cancelled */
  openFile(options: OpenDialogOptions): Promise<PickedFile | null>;
  /** native save dialog; resolves the chosen path or null */
  saveFile(options: SaveDialogOptions): Promise<string | null>;
  /** native open dialog for a batch job's input (CSV or JSON Lines); resolves null when cancelled */
  pickJobInput(): Promise<PickedJobInput | null>;
}

declare global {
  interface Window {
    modeldesk?: ModelDeskBridge;
  }
}
