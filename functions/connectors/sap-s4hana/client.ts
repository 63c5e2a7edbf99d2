// The OData client of the tenant, kept per function instance: one bearer token until shortly
// before it expires, and one CSRF session (token and cookies together, as Gateway binds the
// token to the session) for every write. Concurrent calls share the pending token request and
// the pending CSRF fetch. A 401 renews the token once; a 403 saying `x-csrf-token: Required`
// renews the session once; any other answer is classified (errors.ts) or handed back.
import type * as z from 'zod';
import { BusinessException } from '../../domain/errors';
import { TokenCache } from '../../platform/access-token';
import { type HttpResponse, parseBody, send } from '../../platform/http';
import { readJsonSecret } from '../../platform/secrets';
import { requestToken } from './auth';
import { apiBaseUrl, type SapCredentials, sapCredentialsSchema, tokenUrl } from './credentials';
import { apiError, forbidden, isCsrfRefusal, SapApiError, SYSTEM_TITLE, throttling, unavailable } from './errors';
import { ODATA_ROOT, type Service } from './odata';

type Method = 'GET' | 'POST' | 'PATCH';

interface Connection {
  credentials: SapCredentials;
  baseUrl: string;
  tokenUrl: string;
}

interface CsrfSession {
  /** Absent when the service does not protect writes with a token (possible on-premise). */
  token?: string;
  cookie: string;
}

export interface WriteOptions {
  /** The ETag the entity was read with; SAP refuses an update of an ETag-protected entity without it. */
  ifMatch?: string;
}

export class SapClient {
  private connection?: Promise<Connection>;
  private readonly tokens = new TokenCache(async () => {
    const { credentials, tokenUrl } = await this.connect();
    return requestToken(credentials, tokenUrl, this.secretId);
  });
  private session?: Promise<CsrfSession>;

  constructor(readonly secretId: string) {}

  /** GETs `path` of `service` (query included) and checks the answer against `schema`. */
  async get<T>(service: Service, path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await this.request('GET', service, path);
    return parseBody(response, schema, SYSTEM_TITLE, `GET ${service}/${withoutQuery(path)}`);
  }

  /** Like get, but a 404 (no such entity) is undefined. */
  async find<T>(service: Service, path: string, schema: z.ZodType<T>): Promise<T | undefined> {
    try {
      return await this.get(service, path, schema);
    } catch (error) {
      if (error instanceof SapApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async write(
    method: 'POST' | 'PATCH',
    service: Service,
    path: string,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<HttpResponse> {
    return this.request(method, service, path, body, options.ifMatch ? { 'if-match': options.ifMatch } : {});
  }

  private async request(
    method: Method,
    service: Service,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const where = `${method} ${service}/${withoutQuery(path) || '(service root)'}`;
    const response = await this.exchange(method, service, path, body, headers, where);
    const { credentials } = await this.connect();
    if (response.status >= 200 && response.status < 300) {
      if (response.headers.get('content-type')?.includes('text/html')) {
        throw new BusinessException(
          'CONNECTION_REJECTED',
          `${SYSTEM_TITLE} answered ${where} with a logon page instead of data; the arrangement of communication user ${credentials.clientId} must accept OAuth 2.0 bearer tokens (secret ${this.secretId}).`,
        );
      }
      return response;
    }
    const throttled = throttling(response, where);
    if (throttled) throw throttled;
    if (response.status >= 500) throw unavailable(response, where);
    if (response.status === 403) throw forbidden(response, where, service, credentials.clientId, this.secretId);
    throw apiError(response, where);
  }

  /** One logical call: renews an expired token, then a lost CSRF session, once each. */
  private async exchange(
    method: Method,
    service: Service,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    where: string,
  ): Promise<HttpResponse> {
    let renewedToken = false;
    let renewedSession = false;
    for (;;) {
      const pendingToken = this.tokens.current();
      const session = method === 'GET' ? undefined : this.currentSession(service);
      const token = await pendingToken;
      const response = await this.send(method, service, path, body, {
        ...headers,
        ...sessionHeaders(session ? await session : undefined),
        authorization: `Bearer ${token.value}`,
      });
      if (response.status === 401) {
        const { credentials } = await this.connect();
        if (renewedToken) {
          throw new BusinessException(
            'CONNECTION_REJECTED',
            `${SYSTEM_TITLE} refused a fresh token for ${where}; check that the communication arrangements of user ${credentials.clientId} use OAuth 2.0 for inbound calls (secret ${this.secretId}).`,
          );
        }
        this.tokens.discard(token);
        if (session) this.forgetSession(session);
        renewedToken = true;
        continue;
      }
      if (session && isCsrfRefusal(response)) {
        if (renewedSession) {
          throw new BusinessException(
            'CONNECTION_REJECTED',
            `${SYSTEM_TITLE} refused a freshly fetched CSRF token for ${where}; something between the hub and SAP drops the session cookies (check proxies and the Web Dispatcher), secret ${this.secretId}.`,
          );
        }
        this.forgetSession(session);
        renewedSession = true;
        continue;
      }
      return response;
    }
  }

  private async send(
    method: Method,
    service: Service,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<HttpResponse> {
    const { baseUrl, credentials } = await this.connect();
    const url = new URL(`${baseUrl}${ODATA_ROOT}/${service}/${path}`);
    if (credentials.sapClient) url.searchParams.set('sap-client', credentials.sapClient);
    return send({
      system: SYSTEM_TITLE,
      method,
      url: url.toString(),
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private connect(): Promise<Connection> {
    this.connection ??= readJsonSecret(this.secretId, sapCredentialsSchema)
      .then((credentials) => ({ credentials, baseUrl: apiBaseUrl(credentials), tokenUrl: tokenUrl(credentials) }))
      .catch((error) => {
        this.connection = undefined;
        throw error;
      });
    return this.connection;
  }

  /** One CSRF fetch at a time, from the root of the service about to be written to. */
  private currentSession(service: Service): Promise<CsrfSession> {
    if (!this.session) {
      const pending = this.fetchSession(service);
      pending.catch(() => this.forgetSession(pending));
      this.session = pending;
    }
    return this.session;
  }

  /** Only the session that was refused is dropped: parallel refusals of it fetch one new one. */
  private forgetSession(session: Promise<CsrfSession>): void {
    if (this.session === session) this.session = undefined;
  }

  private async fetchSession(service: Service): Promise<CsrfSession> {
    const response = await this.request('GET', service, '', undefined, { 'x-csrf-token': 'Fetch' });
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0].trim())
      .filter((pair) => pair.includes('='))
      .join('; ');
    return { token: response.headers.get('x-csrf-token') ?? undefined, cookie };
  }
}

function sessionHeaders(session: CsrfSession | undefined): Record<string, string> {
  if (!session) return {};
  return {
    ...(session.token ? { 'x-csrf-token': session.token } : {}),
    ...(session.cookie ? { cookie: session.cookie } : {}),
  };
}

function withoutQuery(path: string): string {
  return path.split('?')[0];
}
