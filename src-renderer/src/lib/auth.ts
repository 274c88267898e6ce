const storageKey = 'modeldesk.token';

/**
 * The admin token for this tab. Desktop: the preload hands it over. Browser (`npm run serve`):
 * the printed URL carries `?token=`; keep it in sessionStorage for the tab and take it out of
 * the address bar so it does not end up in history, bookmarks or screenshots.
 */
export async function resolveToken(): Promise<string | null> {
  if (window.modeldesk) return window.modeldesk.token();
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(storageKey, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(storageKey);
}

export function rememberToken(token: string): void {
  sessionStorage.setItem(storageKey, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(storageKey);
}

export const isDesktop = (): boolean => window.modeldesk !== undefined;
