import { useSyncExternalStore } from 'react';

/** Set when the server answers 401: the shell then asks for the token again. */
let unauthorized = false;
const listeners = new Set<() => void>();

export function signalUnauthorized(): void {
  if (unauthorized) return;
  unauthorized = true;
  listeners.forEach((l) => l());
}

export function clearUnauthorized(): void {
  unauthorized = false;
  listeners.forEach((l) => l());
}

export const useUnauthorized = (): boolean =>
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => unauthorized
  );
