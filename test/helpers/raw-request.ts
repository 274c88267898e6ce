import { request as httpRequest, type Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** the request went over a connection an earlier request had opened (keep-alive) */
  reusedSocket: boolean;
}

export interface RawRequest {
  port: number;
  path: string;
  method?: string;
  /** any header, Host and Authorization included (fetch will not forge Host) */
  headers?: Record<string, string>;
  body?: string;
  /** HTTPS, verified against this CA (PEM) */
  ca?: string;
  /** the name the certificate is checked for (default 127.0.0.1) */
  servername?: string;
  agent?: HttpAgent | HttpsAgent;
}

/** One request to 127.0.0.1 with node:http(s), exactly as given. */
export function rawRequest(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: r.port, path: r.path, method: r.method ?? 'GET', headers: r.headers ?? {}, ...(r.agent ? { agent: r.agent } : {}) };
    const done = (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, reusedSocket: req.reusedSocket }));
    };
    const req =
      r.ca === undefined
        ? httpRequest(options, done)
        : httpsRequest({ ...options, ca: r.ca, ...tlsName(r.servername ?? '127.0.0.1') }, done);
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * Node checks the certificate against the Host header's name; tests forge Host, so the name
 * checked is the one given (SNI only for a DNS name, as clients do).
 */
function tlsName(name: string) {
  return {
    servername: isIP(name) ? '' : name,
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert)
  };
}
