import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AccessSettingsRequest, AccessStateBody, type AccessState } from '../../contract/access.ts';
import { ErrorBody } from '../../contract/classic.ts';
import { notFound } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import type { TlsSetup } from '../tls/certificates.ts';

/** What the server knows of itself once listening (start.ts fills it in). */
export interface ServerIdentity {
  /** this run serves the LAN */
  lan: boolean;
  /** the bind address follows the saved LAN switch (the desktop app; `serve` without --host) */
  followsSavedLan: boolean;
  tls: TlsSetup | null;
  /** the addresses clients can use, known once the server listens */
  urls(): string[];
}

export const caPath = '/access/ca.pem';

/** The Server page's access card: mode, the LAN and strict switches, TLS fingerprints, the CA download. */
export const accessRoutes =
  (core: Core, identity: ServerIdentity): FastifyPluginAsyncTypebox =>
  async (app) => {
    const state = (mode: AccessState['mode']): AccessState => {
      const access = core.access.state();
      const tls = identity.tls;
      return {
        mode,
        lan: { active: identity.lan, saved: access.saved.lan },
        strict: { active: access.strict || identity.lan, saved: access.saved.strict, set_on_command_line: access.strictOnCommandLine },
        restart_needed: identity.followsSavedLan && access.saved.lan !== identity.lan,
        urls: identity.urls(),
        tls: tls && {
          fingerprint256: tls.fingerprint256,
          ca_fingerprint256: tls.ca?.fingerprint256 ?? null,
          ca_url: tls.ca ? `${app.prefix}${caPath}` : null,
          names: tls.names,
          valid_to: tls.validTo
        }
      };
    };

    app.get(
      '/access',
      {
        schema: {
          tags: ['access'],
          security: [{ bearer: [] }],
          description: 'How requests are protected now (loopback, strict or LAN), the saved switches, and the HTTPS certificate clients should see.',
          response: { 200: AccessStateBody, 401: ErrorBody, 403: ErrorBody }
        }
      },
      async () => state(app.accessMode())
    );

    app.patch(
      '/access',
      {
        schema: {
          tags: ['access'],
          security: [{ bearer: [] }],
          description: 'Saves the switches given in <data>/access.json: strict applies from the next request, lan at the next start.',
          body: AccessSettingsRequest,
          response: { 200: AccessStateBody, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody }
        }
      },
      async (request) => {
        core.access.save(request.body);
        return state(app.accessMode());
      }
    );

    app.get(
      caPath,
      {
        schema: {
          tags: ['access'],
          description:
            'The local certificate authority that signed this server\'s HTTPS certificate (PEM), for clients to trust: ' +
            '`curl --cacert modeldesk-ca.pem`, Python requests `verify=`, Node `ca`. Compare its SHA-256 fingerprint with the one ModelDesk prints. ' +
            'Public: a certificate holds nothing secret. 404 with your own certificate or without TLS.',
          response: {
            200: Type.Unsafe({ description: 'the local CA certificate (PEM)', content: { 'application/x-pem-file': { schema: { type: 'string' } } } }),
            404: ErrorBody
          }
        }
      },
      async (_request, reply) => {
        const ca = identity.tls?.ca;
        if (!ca) throw notFound('this server does not use a local CA (no TLS, or your own certificate)');
        return reply
          .type('application/x-pem-file')
          .header('content-disposition', 'attachment; filename="modeldesk-ca.pem"')
          .send(ca.pem);
      }
    );
  };
