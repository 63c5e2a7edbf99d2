import * as z from 'zod';
import { BusinessException, ThrottledError, UnavailableError } from '../../domain/errors';
import { type HttpResponse, parseJsonBody, parseValue, retryAfterSeconds, send } from '../../platform/http';
import { readJsonSecret } from '../../platform/secrets';
import { salesforceCredentialsSchema } from './credentials';

const SYSTEM = 'Salesforce';

export interface SalesforceError {
  errorCode: string;
  message: string;
  fields?: string[];
}

/** A 4xx answer the caller must interpret in its own business terms. */
export class SalesforceApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SalesforceError[],
  ) {
    super(`Salesforce answered ${status}: ${errors.map((e) => `${e.errorCode} ${e.message}`).join('; ')}`);
    this.name = 'SalesforceApiError';
  }

  hasCode(...codes: string[]): boolean {
    return this.errors.some((e) => codes.includes(e.errorCode));
  }
}

function queryPage<T>(record: z.ZodType<T>) {
  return z.object({ records: z.array(record), done: z.boolean(), nextRecordsUrl: z.string().optional() });
}

const tokenResponse = z.object({
  access_token: z.string().min(1).optional(),
  instance_url: z.string().min(1).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

const errorArray = z.array(
  z.object({ errorCode: z.string(), message: z.string(), fields: z.array(z.string()).optional() }),
);

interface Session {
  accessToken: string;
  instanceUrl: string;
  apiVersion: string;
}

/**
 * REST client for one org. The session is kept for the life of the function instance and
 * renewed once when Salesforce says it expired (Salesforce sends no expiry time).
 */
export class SalesforceClient {
  private session?: Promise<Session>;

  constructor(private readonly secretId: string) {}

  /** Runs a SOQL query and follows nextRecordsUrl until Salesforce says the result is done. */
  async query<T>(soql: string, record: z.ZodType<T>): Promise<T[]> {
    const pageSchema = queryPage(record);
    const where = `GET /query (${soql.split(' FROM ')[1]?.split(' ')[0] ?? 'query'})`;
    const read = async (path: string) => parseValue(await this.request('GET', path), pageSchema, SYSTEM, where);
    let page = await read(`/query?q=${encodeURIComponent(soql)}`);
    const records = [...page.records];
    while (!page.done && page.nextRecordsUrl) {
      page = await read(page.nextRecordsUrl.replace(/^\/services\/data\/v[\d.]+/, ''));
      records.push(...page.records);
    }
    return records;
  }

  async update(sObject: string, id: string, fields: Record<string, unknown>): Promise<void> {
    await this.request('PATCH', `/sobjects/${sObject}/${id}`, fields);
  }

  private async request(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<unknown> {
    let response = await this.call(method, path, body);
    if (response.status === 401) {
      this.session = undefined;
      response = await this.call(method, path, body);
      if (response.status === 401) {
        throw new BusinessException(
          'CONNECTION_REJECTED',
          `Salesforce refused a fresh session for ${method} ${path.split('?')[0]} (INVALID_SESSION_ID); check the connected app and integration user in secret ${this.secretId}.`,
        );
      }
    }
    return interpret(response, method, path);
  }

  private async call(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<HttpResponse> {
    const session = await this.currentSession();
    return send({
      system: SYSTEM,
      method,
      url: `${session.instanceUrl}/services/data/v${session.apiVersion}${path}`,
      headers: {
        authorization: `Bearer ${session.accessToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private currentSession(): Promise<Session> {
    if (!this.session) {
      this.session = this.login().catch((error) => {
        this.session = undefined;
        throw error;
      });
    }
    return this.session;
  }

  private async login(): Promise<Session> {
    const credentials = await readJsonSecret(this.secretId, salesforceCredentialsSchema);
    const response = await send({
      system: SYSTEM,
      method: 'POST',
      url: `${credentials.loginUrl}/services/oauth2/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }).toString(),
    });
    if (response.status >= 500) throw unavailable(response, 'POST /services/oauth2/token');
    const parsed = tokenResponse.safeParse(parseJsonBody(response));
    const token = parsed.success ? parsed.data : undefined;
    if (response.status !== 200 || !token?.access_token || !token.instance_url) {
      throw new BusinessException(
        'CONNECTION_REJECTED',
        `Salesforce refused the hub's login (${token?.error ?? response.status}: ${token?.error_description ?? 'no reason given'}); check clientId, clientSecret and loginUrl in secret ${this.secretId}.`,
      );
    }
    return { accessToken: token.access_token, instanceUrl: token.instance_url, apiVersion: credentials.apiVersion };
  }
}

function interpret(response: HttpResponse, method: string, path: string): unknown {
  const body = parseJsonBody(response);
  if (response.status >= 200 && response.status < 300) return body;
  const where = `${method} ${path.split('?')[0]}`;
  if (response.status === 429) {
    throw new ThrottledError(`Salesforce throttled ${where} (429)`, {
      retryAfterSeconds: retryAfterSeconds(response.headers),
    });
  }
  if (response.status >= 500) throw unavailable(response, where);
  const parsed = errorArray.safeParse(body);
  const errors: SalesforceError[] = parsed.success
    ? parsed.data
    : [{ errorCode: `HTTP_${response.status}`, message: response.text.slice(0, 200) }];
  const error = new SalesforceApiError(response.status, errors);
  if (error.hasCode('REQUEST_LIMIT_EXCEEDED')) {
    // The same code covers the daily allowance (wait hours) and concurrent long requests (retry soon).
    if (errors.some((e) => /concurrent/i.test(e.message))) throw new ThrottledError(error.message);
    throw new BusinessException('CRM_API_LIMIT_REACHED', `Salesforce refused ${where}: ${errors[0].message}`);
  }
  throw error;
}

function unavailable(response: HttpResponse, where: string): UnavailableError {
  return new UnavailableError(`Salesforce failed ${where} with HTTP ${response.status}`);
}
