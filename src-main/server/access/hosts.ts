import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

const loopbackNames = ['127.0.0.1', 'localhost', '::1'];
const wildcards = new Set(['0.0.0.0', '::', '']);

/** true for an address or name that only this machine can reach */
export const isLoopback = (host: string): boolean => loopbackNames.includes(host.toLowerCase()) || host.startsWith('127.');

/**
 * This machine's names and addresses as clients on the LAN reach it: the host name (and its
 * mDNS `.local` form) and every interface address except IPv6 link-local ones, which need a zone
 * that a Host header cannot carry. Used for the generated certificate's names and the Host check.
 */
export function machineNames(): { dns: string[]; ips: string[] } {
  const name = hostname().toLowerCase();
  const dns = [...new Set([name, name.endsWith('.local') ? name : `${name}.local`, 'localhost'])];
  const ips = new Set(['127.0.0.1', '::1']);
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80:')) continue;
      ips.add(entry.address);
    }
  }
  return { dns, ips: [...ips] };
}

/**
 * The `Host` names the server answers to (DESIGN §4.4). Any other name is refused: a web page on
 * a name an attacker controls, re-pointed at this machine (DNS rebinding), carries its own name
 * in Host. On loopback: the loopback names. Serving the LAN: also this machine's own names and
 * addresses (so a colleague's `Host: 192.168.1.20:8765` is served), the bound address and the
 * names given (the certificate's, `--allow-host`).
 */
export function allowedHosts(options: { lan: boolean; bound: string; names?: string[] }): Set<string> {
  const allowed = new Set(loopbackNames);
  if (!wildcards.has(options.bound)) allowed.add(options.bound.toLowerCase());
  if (options.lan) {
    const own = machineNames();
    for (const name of [...own.dns, ...own.ips, ...(options.names ?? [])]) allowed.add(name.toLowerCase());
  }
  return allowed;
}

/** the name part of a Host header, without port or IPv6 brackets, lower case; '' when malformed */
export function hostnameOf(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const inner = end < 0 ? '' : host.slice(1, end);
    return isIP(inner) === 6 ? inner.toLowerCase() : '';
  }
  const colon = host.lastIndexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

/** how a host goes into a URL: IPv6 addresses in brackets */
export const urlHost = (host: string): string => (isIP(host) === 6 ? `[${host}]` : host);
