// The API client for one company: a bearer token per function instance, renewed shortly before it
// expires and once more when Business Central no longer accepts it; answers checked and
// translated by errors.ts.
import type * as z from 'zod';
import { BusinessException } from '../../domain/errors';
import { type AccessToken, TokenCache } from '../../platform/access-token';
import { type HttpResponse, parseBody, send } from '../../platform/http';
import { readJsonSecret } from '../../platform/secrets';
import { requestToken } from './auth';
import { type BusinessCentralCredentials, businessCentralCredentialsSchema, companyUrl } from './credentials';
import { interpretFailure, readError, SYSTEM_TITLE } from './errors';
import type { BusinessCentralSettings } from './settings';

type Method = 'GET' | 'POST' | 'PATCH';

export interface ApiRequest {
  method: Method;
  /** Below the company, e.g. `/customers?$filter=...`. */
  path: string;
  body?: unknown;
  /** The record's @odata.etag; PATCH requires it. */
  ifMatch?: string;
}

export class BusinessCentralClient {
  private credentials?: Promise<BusinessCentralCredentials>;
  private readonly tokens = new TokenCache(async () => requestToken(await this.connect(), this.secretId));

  constructor(
    private readonly secretId: string,
    private readonly settings: BusinessCentralSettings,
  ) {}

  /** GETs and checks the answer has the fields the hub reads. */
  async read<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await this.request({ method: 'GET', path });
    return parseBody(response, schema, SYSTEM_TITLE, `GET ${pathOnly(path)}`);
  }

  /** The 2xx answer; anything else is thrown as what it means (see errors.ts). */
  async request(request: ApiRequest): Promise<HttpResponse> {
    const where = `${request.method} ${pathOnly(request.path)}`;
    let token = await this.tokens.current();
    let response = await this.call(request, token);
    if (response.status === 401) {
      this.tokens.discard(token);
      token = await this.tokens.current();
      response = await this.call(request, token);
      if (response.status === 401) {
        const { code, reason } = readError(response);
        const { clientId } = await this.connect();
        throw new BusinessException(
          'CONNECTION_REJECTED',
          `Business Central refused a fresh token for ${where} (${code}: ${reason}); check that Entra application ${clientId} from secret ${this.secretId} is on the Microsoft Entra Applications page of environment ${this.settings.environment} with State Enabled, and that admin consent for API.ReadWrite.All is granted.`,
        );
      }
    }
    if (response.status >= 200 && response.status < 300) return response;
    return interpretFailure(response, {
      where,
      collection: isCollection(request.path),
      settingsHint: `check companyId ${this.settings.companyId} and environment ${this.settings.environment} in the hub settings (GET .../api/v2.0/companies lists the companies).`,
    });
  }

  private async call(request: ApiRequest, token: AccessToken): Promise<HttpResponse> {
    const credentials = await this.connect();
    const url = `${companyUrl(credentials, this.settings.environment, this.settings.companyId)}${request.path}`;
    return send({
      system: SYSTEM_TITLE,
      method: request.method,
      url,
      headers: {
        authorization: `Bearer ${token.value}`,
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(request.ifMatch ? { 'if-match': request.ifMatch } : {}),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  }

  private connect(): Promise<BusinessCentralCredentials> {
    this.credentials ??= readJsonSecret(this.secretId, businessCentralCredentialsSchema).catch((error) => {
      this.credentials = undefined;
      throw error;
    });
    return this.credentials;
  }
}

function pathOnly(path: string): string {
  return path.split('?')[0];
}

/** `/customers` or `/salesOrders` rather than `/customers(<id>)`. */
function isCollection(path: string): boolean {
  return !pathOnly(path).endsWith(')');
}
