import { useCallback, useSyncExternalStore } from 'react';

/** Hash routes (`#/models?register=1`): the desktop menu navigates by setting location.hash. */
export interface Route {
  /** path segments after `#/`, e.g. ['abtests', '3'] */
  segments: string[];
  params: URLSearchParams;
}

export const pages = ['models', 'playground', 'requests', 'abtests', 'jobs', 'monitoring', 'server', 'audit'] as const;
export type PageKey = (typeof pages)[number];

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const snapshot = () => window.location.hash;

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  return { segments: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

export function pageOf(route: Route): PageKey {
  const first = route.segments[0];
  return (pages as readonly string[]).includes(first ?? '') ? (first as PageKey) : 'models';
}

export function href(path: string, params?: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const qs = query.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(path: string, params?: Record<string, string | number | undefined | null>): void {
  window.location.hash = href(path, params);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot);
  return parseHash(hash);
}

/** Updates one query parameter of the current route, keeping the others (replaces history). */
export function useSetParam(): (key: string, value: string | null) => void {
  return useCallback((key, value) => {
    const route = parseHash(window.location.hash);
    if (value === null || value === '') route.params.delete(key);
    else route.params.set(key, value);
    const qs = route.params.toString();
    const next = `#/${route.segments.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
    window.history.replaceState(window.history.state, '', next);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }, []);
}
