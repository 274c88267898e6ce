/**
 * The desktop window's decisions about URLs and IPC senders, as pure functions (main.ts applies
 * them; Electron cannot run in the tests, these can). Issue 20, item 14.
 */

const loopbackHosts = new Set(['localhost', '[::1]']);

/** 127.0.0.0/8, localhost, ::1 */
function isLoopback(hostname: string): boolean {
  if (loopbackHosts.has(hostname)) return true;
  const octets = hostname.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255);
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL may be handed to the operating system (shell.openExternal): https anywhere,
 * http only on this machine. Anything else (file:, javascript:, smb:, custom app schemes that
 * launch programs) is refused: a link in a model's description must not run a local handler.
 */
export function mayOpenExternally(url: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && isLoopback(parsed.hostname);
}

export type NavigationDecision = 'stay' | 'open-externally' | 'refuse';

/** A navigation of the app's window: its own origin stays in the window; the rest opens outside or nowhere. */
export function decideNavigation(url: string, appOrigin: string): NavigationDecision {
  if (parse(url)?.origin === appOrigin) return 'stay';
  return mayOpenExternally(url) ? 'open-externally' : 'refuse';
}

/** The frame an IPC call came from, as Electron describes it (event.senderFrame). */
export interface SenderFrame {
  url: string;
  /** false for an iframe */
  isMainFrame: boolean;
}

/**
 * Whether an IPC call may be answered: only the app's own page (the main frame, on the embedded
 * server's origin) gets the admin token or the file dialogs, never an iframe or a page the
 * window was navigated to.
 */
export function isAppFrame(frame: SenderFrame | null | undefined, appOrigin: string): boolean {
  if (!frame || !frame.isMainFrame) return false;
  return parse(frame.url)?.origin === appOrigin;
}
