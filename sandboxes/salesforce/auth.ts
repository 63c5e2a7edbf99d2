// OAuth 2.0 client credentials for connected apps, and the sessions (access tokens) it issues.
// Sessions time out after a period of inactivity, as Salesforce's session timeout does.
import { createHmac, randomBytes } from 'node:crypto';
import { json, type SandboxResponse } from '../http';
import { KEY_PREFIXES, to18 } from './ids';

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
}

interface Session {
  clientId: string;
  lastUsedAt: number;
}

/** The integration user the client-credentials flow runs as. */
const INTEGRATION_USER_ID = to18(`${KEY_PREFIXES.User}5g000000HUB1`);

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly orgId: string,
    private readonly apps: readonly ConnectedApp[],
    private readonly ttlSeconds: () => number,
  ) {}

  /** Handles a token request body (form-encoded) and optional HTTP Basic client credentials. */
  issueToken(body: string, authorization: string | undefined, instanceUrl: string): SandboxResponse {
    const params = new URLSearchParams(body);
    if (params.get('grant_type') !== 'client_credentials') {
      return json(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    }
    const [clientId, clientSecret] = clientCredentials(params, authorization);
    const app = this.apps.find((a) => a.clientId === clientId);
    if (!app) return json(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    if (app.clientSecret !== clientSecret) {
      return json(400, { error: 'invalid_client', error_description: 'invalid client credentials' });
    }
    // Salesforce access tokens start with the 15-char org id and a '!'.
    const token = `${this.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    const issuedAt = String(Date.now());
    this.sessions.set(token, { clientId, lastUsedAt: Date.now() });
    const id = `${instanceUrl}/id/${this.orgId}/${INTEGRATION_USER_ID}`;
    return json(200, {
      access_token: token,
      signature: createHmac('sha256', app.clientSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: 'api',
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
  }

  /** True when the Authorization header carries a live session; touching it extends it. */
  authenticate(authorization: string | undefined): boolean {
    const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? '');
    const session = match ? this.sessions.get(match[1]) : undefined;
    if (!session || !match) return false;
    const now = Date.now();
    if (now - session.lastUsedAt >= this.ttlSeconds() * 1000) {
      this.sessions.delete(match[1]);
      return false;
    }
    session.lastUsedAt = now;
    return true;
  }

  expireAll(): void {
    this.sessions.clear();
  }
}

function clientCredentials(params: URLSearchParams, authorization: string | undefined): [string, string] {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
    }
  }
  return [params.get('client_id') ?? '', params.get('client_secret') ?? ''];
}

/** RFC 6749 form-encodes Basic credentials; fall back to the raw text when it is not encoded. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
