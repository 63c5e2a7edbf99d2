import * as z from 'zod';
import { BusinessException, ThrottledError, UnavailableError } from '../../domain/errors';
import { type AccessToken, TokenCache } from '../../platform/access-token';
import { type HttpResponse, parseBody, parseJsonBody, retryAfterSeconds, send } from '../../platform/http';
import { readJsonSecret } from '../../platform/secrets';
import { requestToken } from './auth';
import { type NetSuiteCredentials, netSuiteCredentialsSchema, restBaseUrl } from './credentials';

export interface NetSuiteErrorDetail {
  detail: string;
  'o:errorCode': string;
  'o:errorPath'?: string;
}

/** A 4xx answer with NetSuite's error body, for the caller to interpret in business terms. */
export class NetSuiteApiError extends Error {
  constructor(
    readonly status: number,
    readonly details: NetSuiteErrorDetail[],
  ) {
    super(`NetSuite answered ${status}: ${details.map((d) => `${d['o:errorCode']} ${d.detail}`).join('; ')}`);
    this.name = 'NetSuiteApiError';
  }

  /** NetSuite's own words, for messages a person reads. */
  get reasons(): string {
    return this.details.map((d) => d.detail).join(' ');
  }
}

export interface NetSuiteResponse {
  status: number;
  /** Internal id from the Location header of a create or upsert. */
  createdId?: string;
  response: HttpResponse;
}

export const SYSTEM_TITLE = 'NetSuite';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

const RECORD_API = '/services/rest/record/v1';
const SYSTEM_API = '/services/rest/system/v1';

/** SuiteTalk REST record client; the token is kept per function instance until shortly before it expires. */
export class NetSuiteClient {
  private connection?: Promise<{ credentials: NetSuiteCredentials; baseUrl: string }>;
  private readonly tokens = new TokenCache(async () => {
    const { credentials, baseUrl } = await this.connect();
    return requestToken(credentials, baseUrl, this.secretId);
  });

  constructor(private readonly secretId: string) {}

  /** GETs a record and checks it has the fields the hub reads. */
  async read<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const { response } = await this.record('GET', path);
    return parseBody(response, schema, SYSTEM_TITLE, `GET ${path}`);
  }

  /** GETs a resource of the system API (/services/rest/system/v1), e.g. governanceLimits. */
  async readSystem<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const { response } = await this.record('GET', path, undefined, SYSTEM_API);
    return parseBody(response, schema, SYSTEM_TITLE, `GET ${path}`);
  }

  async record(method: Method, path: string, body?: unknown, api = RECORD_API): Promise<NetSuiteResponse> {
    let { response, token } = await this.call(method, path, body, api);
    if (response.status === 401) {
      this.tokens.discard(token);
      ({ response } = await this.call(method, path, body, api));
      if (response.status === 401) {
        throw new BusinessException(
          'CONNECTION_REJECTED',
          `NetSuite refused a fresh token for ${method} ${path} (INVALID_LOGIN); check the integration and role in secret ${this.secretId}.`,
        );
      }
    }
    return interpret(response, method, path);
  }

  private async call(
    method: Method,
    path: string,
    body: unknown,
    api: string,
  ): Promise<{ response: HttpResponse; token: AccessToken }> {
    const { baseUrl } = await this.connect();
    const token = await this.tokens.current();
    const response = await send({
      system: SYSTEM_TITLE,
      method,
      url: `${baseUrl}${api}${path}`,
      headers: {
        authorization: `Bearer ${token.value}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { response, token };
  }

  private connect() {
    this.connection ??= readJsonSecret(this.secretId, netSuiteCredentialsSchema)
      .then((credentials) => ({ credentials, baseUrl: restBaseUrl(credentials) }))
      .catch((error) => {
        this.connection = undefined;
        throw error;
      });
    return this.connection;
  }
}

const errorBody = z.object({
  'o:errorDetails': z
    .array(z.object({ detail: z.string(), 'o:errorCode': z.string(), 'o:errorPath': z.string().optional() }))
    .min(1),
});

function interpret(response: HttpResponse, method: Method, path: string): NetSuiteResponse {
  const body = parseJsonBody(response);
  const where = `${method} ${path}`;
  if (response.status >= 200 && response.status < 300) {
    const location = response.headers.get('location');
    return { status: response.status, createdId: location?.split('/').pop(), response };
  }
  const parsed = errorBody.safeParse(body);
  const details: NetSuiteErrorDetail[] = parsed.success
    ? parsed.data['o:errorDetails']
    : [{ detail: response.text.slice(0, 200), 'o:errorCode': `HTTP_${response.status}` }];
  const summary = details.map((d) => `${d['o:errorCode']}: ${d.detail}`).join('; ');
  if (response.status === 429) {
    throw new ThrottledError(`NetSuite throttled ${where} (${summary})`, {
      retryAfterSeconds: retryAfterSeconds(response.headers),
    });
  }
  if (response.status >= 500)
    throw new UnavailableError(`NetSuite failed ${where} with HTTP ${response.status} (${summary})`);
  if (response.status === 403) {
    throw new BusinessException(
      'CONNECTION_REJECTED',
      `NetSuite refused ${where} for the integration role (${summary}); grant the role the permission NetSuite names.`,
    );
  }
  throw new NetSuiteApiError(response.status, details);
}
