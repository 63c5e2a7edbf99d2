// OAuth 2.0 client credentials (M2M) as NetSuite runs it: the integration proves itself with a
// JWT signed by the private key of a certificate mapped to it, and gets a 60-minute bearer token.

import { type KeyObject, randomUUID } from 'node:crypto';
import { json, type Middleware, type Route, type SandboxRequest, type SandboxResponse } from '../http';
import { invalidLogin } from './errors';
import {
  type DecodedJwt,
  decodeJwt,
  isSupportedAssertionAlgorithm,
  parsePublicKey,
  signHmacJwt,
  verifyAssertionSignature,
  verifyHmacJwt,
} from './jwt';
import type { ClientRegistration } from './model';
import type { SandboxStore } from './store';

export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const REST_SCOPE = 'rest_webservices';
/** NetSuite: exp must be at most 60 minutes after iat. */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
/** Tolerated clock drift for an assertion issued "in the future". */
const CLOCK_SKEW_SECONDS = 300;

type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type';

interface AcceptedAssertion {
  clientId: string;
  certificateId: string;
  scopes: string[];
}

export interface AuthOptions {
  store: SandboxStore;
  accountId: string;
  tokenTtlSeconds: number;
  /** Integrations from the start options: known for this run, not written to the state file. */
  clients: ClientRegistration[];
  baseUrl: () => string;
}

export class AuthService {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly options: AuthOptions) {
    for (const client of [...options.clients, ...options.store.state.clients]) this.mapCertificate(client);
  }

  /** Maps a certificate to an integration (Setup > Integration > OAuth 2.0 Client Credentials Setup). */
  addClient(client: ClientRegistration): void {
    this.mapCertificate(client);
    const clients = this.options.store.state.clients;
    const existing = clients.findIndex(
      (c) => c.clientId === client.clientId && c.certificateId === client.certificateId,
    );
    if (existing >= 0) clients.splice(existing, 1);
    clients.push({ ...client });
    this.options.store.changed();
  }

  readonly tokenEndpoint: Route = (req) => {
    const form = readForm(req);
    if (!form) return oauthError('invalid_request');
    const grantType = form.get('grant_type');
    if (!grantType) return oauthError('invalid_request');
    if (grantType !== 'client_credentials') return oauthError('unsupported_grant_type');
    const assertion = form.get('client_assertion');
    if (form.get('client_assertion_type') !== JWT_BEARER || !assertion) return oauthError('invalid_request');
    const outcome = this.checkAssertion(assertion, acceptedAudiences(req, this.options.baseUrl()));
    if (typeof outcome === 'string') return oauthError(outcome);
    return json(200, {
      access_token: this.issueToken(outcome),
      // NetSuite sends the lifetime as a string.
      expires_in: String(this.options.tokenTtlSeconds),
      token_type: 'bearer',
    });
  };

  /** Every REST call needs a live token from this sandbox; anything else is an invalid login. */
  readonly requireBearer: Middleware = async (req, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(headerValue(req, 'authorization') ?? '');
    if (!match) return invalidLogin();
    const payload = verifyHmacJwt(match[1], this.options.store.state.tokenSecret);
    if (!payload || typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return invalidLogin();
    if (!Array.isArray(payload.scope) || !payload.scope.includes(REST_SCOPE)) return invalidLogin();
    return next();
  };

  private mapCertificate(client: ClientRegistration): void {
    this.keys.set(keyOf(client.clientId, client.certificateId), parsePublicKey(client.publicKeyPem));
  }

  private checkAssertion(assertion: string, audiences: string[]): AcceptedAssertion | OAuthErrorCode {
    const jwt = decodeJwt(assertion);
    if (!jwt) return 'invalid_request';
    const { header, payload } = jwt;
    if (header.typ !== undefined && header.typ !== 'JWT') return 'invalid_request';
    if (typeof payload.iss !== 'string' || !this.isKnownClient(payload.iss)) return 'invalid_client';
    if (!isSupportedAssertionAlgorithm(header.alg) || typeof header.kid !== 'string') return 'invalid_grant';
    const key = this.keys.get(keyOf(payload.iss, header.kid));
    if (!key || !verifyAssertionSignature(jwt, header.alg, key)) return 'invalid_grant';
    if (!audienceMatches(payload.aud, audiences) || !lifetimeIsValid(jwt)) return 'invalid_grant';
    const scopes = parseScopes(payload.scope);
    if (!scopes.includes(REST_SCOPE)) return 'invalid_scope';
    return { clientId: payload.iss, certificateId: header.kid, scopes };
  }

  private isKnownClient(clientId: string): boolean {
    for (const key of this.keys.keys()) if (key.startsWith(`${clientId}\n`)) return true;
    return false;
  }

  private issueToken(accepted: AcceptedAssertion): string {
    const iat = Math.floor(Date.now() / 1000);
    return signHmacJwt(
      {
        // role;entity of the mapping, as NetSuite's tokens carry it
        sub: '3;-5',
        cid: accepted.certificateId,
        aud: [accepted.clientId, this.options.accountId],
        scope: accepted.scopes,
        iss: 'https://system.netsuite.com',
        iat,
        exp: iat + this.options.tokenTtlSeconds,
        jti: randomUUID(),
      },
      this.options.store.state.tokenSecret,
    );
  }
}

const keyOf = (clientId: string, certificateId: string) => `${clientId}\n${certificateId}`;

function oauthError(error: OAuthErrorCode): SandboxResponse {
  return json(400, { error });
}

function readForm(req: SandboxRequest): URLSearchParams | undefined {
  const contentType = headerValue(req, 'content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(req.body);
}

function headerValue(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The documented endpoint URL, plus the URL the client actually called (localhost vs 127.0.0.1). */
function acceptedAudiences(req: SandboxRequest, baseUrl: string): string[] {
  const audiences = [`${baseUrl}${TOKEN_PATH}`];
  const host = headerValue(req, 'host');
  if (host) audiences.push(`http://${host}${TOKEN_PATH}`);
  return audiences;
}

function audienceMatches(aud: unknown, accepted: string[]): boolean {
  const values = Array.isArray(aud) ? aud : [aud];
  return values.some((value) => typeof value === 'string' && accepted.includes(value));
}

function lifetimeIsValid(jwt: DecodedJwt): boolean {
  const { iat, exp } = jwt.payload;
  if (typeof iat !== 'number' || typeof exp !== 'number') return false;
  const now = Date.now() / 1000;
  return exp > now && exp - iat <= MAX_ASSERTION_LIFETIME_SECONDS && iat <= now + CLOCK_SKEW_SECONDS && exp > iat;
}

/** Docs show a comma-separated string; libraries often send an array or a space-separated string. */
function parseScopes(scope: unknown): string[] {
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  if (typeof scope === 'string') return scope.split(/[\s,]+/).filter(Boolean);
  return [];
}
