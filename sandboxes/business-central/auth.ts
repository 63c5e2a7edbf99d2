// Microsoft Entra ID's token endpoint (client credentials) and Business Central's bearer check.
// Tokens are opaque here and expire after tokenTtlSeconds, or all at once on expireSessions().
import { randomBytes } from 'node:crypto';
import { json, type Middleware, type SandboxRequest, type SandboxResponse } from '../http';
import { bcError } from './errors';
import type { Store } from './store';

export const API_SCOPE = 'https://api.businesscentral.dynamics.com/.default';

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

export class Auth {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly store: Store,
    private readonly tenantId: string,
    private readonly tokenTtlSeconds: number,
  ) {}

  expireAll(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** POST /{tenant}/oauth2/v2.0/token */
  readonly tokenEndpoint = (req: SandboxRequest): SandboxResponse => {
    if (req.params.tenant.toLowerCase() !== this.tenantId) {
      return entraError(400, 'invalid_request', 90002, `Tenant '${req.params.tenant}' not found.`);
    }
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') {
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const clientId = form.get('client_id') ?? '';
    const app = this.store.app(clientId);
    if (!app) {
      return entraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.tenantId}'.`,
      );
    }
    if (form.get('client_secret') !== app.clientSecret) {
      return entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    }
    if (form.get('scope') !== API_SCOPE) {
      return entraError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${form.get('scope')} is not valid.`,
      );
    }
    const value = randomBytes(24).toString('base64url');
    this.tokens.set(value, { clientId: app.clientId, expiresAt: Date.now() + this.tokenTtlSeconds * 1000 });
    return json(200, {
      token_type: 'Bearer',
      expires_in: this.tokenTtlSeconds,
      ext_expires_in: this.tokenTtlSeconds,
      access_token: value,
    });
  };

  /** The bearer check of the API; the principal lands in the `x-sandbox-principal` header for governance. */
  readonly requireBearer: Middleware = async (req, next) => {
    const header = req.headers.authorization ?? '';
    const value = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const token = value ? this.tokens.get(value) : undefined;
    if (!token || token.expiresAt <= Date.now()) {
      return bcError(401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.', {
        'www-authenticate': 'Bearer realm="Business Central"',
      });
    }
    const app = this.store.app(token.clientId);
    if (!app?.registeredInBusinessCentral) {
      // Entra issued the token, but Business Central does not know the app: same answer as a bad token.
      return bcError(401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.');
    }
    if (!app.hasPermissions) {
      return bcError(
        403,
        'Authorization_InsufficientPermissions',
        'You do not have the following permissions on TableData Customer: Read. To view details about your permissions, see the Effective Permissions page.',
      );
    }
    req.headers['x-sandbox-principal'] = app.clientId;
    return next();
  };
}

function entraError(status: number, error: string, code: number, description: string): SandboxResponse {
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19);
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${randomBytes(16).toString('hex')}\r\nTimestamp: ${timestamp}Z`,
    error_codes: [code],
    timestamp,
  });
}
