// What a Salesforce admin sets up once for the hub, done over the control API: a connected app
// whose credentials go into the hub's API secret, and the outbound message's endpoint URL (the
// hub's webhook URL with its shared-secret token, since outbound messages carry no signature).
import { json, parseJson, type Router } from '../http';
import type { ConnectedApp } from './auth';
import type { SandboxContext } from './context';

export const API_VERSION = '62.0';

export function registerHubSetup(router: Router, ctx: SandboxContext, app: ConnectedApp): void {
  router
    .on('POST', '/_sandbox/connection', () =>
      json(200, {
        loginUrl: ctx.url(),
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        apiVersion: API_VERSION,
      }),
    )
    .on('PUT', '/_sandbox/webhook', (req) => {
      let body: { url?: unknown; secret?: { sharedSecret?: unknown } };
      try {
        body = parseJson(req) as typeof body;
      } catch {
        return json(400, { error: 'body must be JSON' });
      }
      const { url } = body;
      const token = body.secret?.sharedSecret;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url) || typeof token !== 'string') {
        return json(400, { error: 'url must be an http(s) URL and secret.sharedSecret a string' });
      }
      const endpointUrl = `${url}?token=${encodeURIComponent(token)}`;
      ctx.messenger.setEndpoint(endpointUrl);
      return json(200, { endpointUrl });
    });
}
