// Inbound authentication as a communication arrangement with OAuth 2.0 sets it up: the
// communication user's name is the client id and its password the client secret; the client
// credentials grant at /sap/bc/sec/oauth2/token (client authenticated with HTTP Basic) returns a
// bearer token that expires, and each OData service is open only to users whose arrangements
// include the service's communication scenario.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { json, type Route, type SandboxRequest, type SandboxResponse } from '../http';
import { sapError, serviceInfo } from './errors';
import { type CommunicationUser, SAP_CLIENT, SERVICE_SCENARIOS, SYSTEM_ID } from './model';
import type { SandboxStore } from './store';

export const TOKEN_PATH = '/sap/bc/sec/oauth2/token';
const REALM = `SAP NetWeaver Application Server [${SYSTEM_ID}/${SAP_CLIENT}]`;

export interface Principal {
  clientId: string;
}

export class AuthService {
  constructor(
    private readonly store: SandboxStore,
    private readonly tokenTtlSeconds: () => number,
  ) {}

  /** Creates or updates a communication user and the scenarios its arrangements cover. */
  setUser(user: CommunicationUser): void {
    const users = this.store.state.communicationUsers;
    const index = users.findIndex((u) => u.clientId === user.clientId);
    if (index >= 0) users[index] = { ...user };
    else users.push({ ...user });
    this.store.changed();
  }

  readonly tokenEndpoint: Route = (req) => {
    const client = basicCredentials(req);
    const user = client ? this.store.user(client.id) : undefined;
    if (!client || !user || !sameSecret(user.clientSecret, client.secret)) {
      return json(
        401,
        { error: 'invalid_client', error_description: 'Client authentication failed' },
        { 'www-authenticate': `Basic realm="${REALM}"` },
      );
    }
    const contentType = header(req, 'content-type') ?? '';
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return json(400, { error: 'invalid_request', error_description: 'Content type not supported' });
    }
    const form = new URLSearchParams(req.body);
    const grantType = form.get('grant_type');
    if (!grantType) return json(400, { error: 'invalid_request', error_description: 'Parameter grant_type missing' });
    if (grantType !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    const scope = user.scenarios.flatMap((scenario) =>
      Object.entries(SERVICE_SCENARIOS)
        .filter(([, s]) => s === scenario)
        .map(([service]) => `${service}_0001`),
    );
    const ttl = this.tokenTtlSeconds();
    return json(
      200,
      {
        access_token: this.issue(user.clientId, ttl),
        token_type: 'Bearer',
        // SAP's OAuth server sends the lifetime as a string.
        expires_in: String(Math.ceil(ttl)),
        scope: scope.join(' '),
      },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  /** The caller of an OData request, or the 401 SAP answers for a missing, expired or foreign token. */
  authenticate(req: SandboxRequest): Principal | SandboxResponse {
    const match = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    const clientId = match ? this.verify(match[1]) : undefined;
    if (!clientId) {
      return {
        status: 401,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'www-authenticate': match ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`,
        },
        body: '<html><head><title>Logon Error Message</title></head><body><h1>401 Unauthorized</h1><p>Logon failed</p></body></html>',
      };
    }
    return { clientId };
  }

  /** 403 unless the caller's communication arrangements include the service's scenario. */
  authorize(principal: Principal, service: string): SandboxResponse | undefined {
    const scenario = SERVICE_SCENARIOS[service];
    const user = this.store.user(principal.clientId);
    if (scenario && user?.scenarios.includes(scenario)) return undefined;
    return sapError(
      403,
      serviceInfo(service),
      '/IWFND/CM_CONSUMER/101',
      `No authorization to access Service 'Z${service}_0001'`,
    );
  }

  private issue(clientId: string, ttlSeconds: number): string {
    const payload = Buffer.from(
      JSON.stringify({ sub: clientId, exp: Date.now() + ttlSeconds * 1000, jti: randomUUID() }),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  private verify(token: string): string | undefined {
    const [payload, signature] = token.split('.');
    if (!payload || !signature || !sameSecret(this.sign(payload), signature)) return undefined;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const { sub, exp } = (claims ?? {}) as { sub?: unknown; exp?: unknown };
    if (typeof sub !== 'string' || typeof exp !== 'number' || exp <= Date.now()) return undefined;
    return this.store.user(sub) ? sub : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.store.state.tokenSecret).update(payload).digest('base64url');
  }
}

function basicCredentials(req: SandboxRequest): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header(req, 'authorization') ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    // RFC 6749 2.3.1: both parts are form-urlencoded before the Basic encoding.
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

function sameSecret(expected: string, given: string): boolean {
  const [a, b] = [Buffer.from(expected), Buffer.from(given)];
  return a.length === b.length && timingSafeEqual(a, b);
}

export function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
