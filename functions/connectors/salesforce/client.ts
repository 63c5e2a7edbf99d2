import { BusinessException, ThrottledError, UnavailableError } from '../../domain/errors';
import { type HttpResponse, parseJsonBody, send } from '../../platform/http';
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

interface QueryPage<T> {
  records: T[];
  done: boolean;
  nextRecordsUrl?: string;
}

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
  async query<T>(soql: string): Promise<T[]> {
    let page = (await this.request('GET', `/query?q=${encodeURIComponent(soql)}`)) as QueryPage<T>;
    const records = [...page.records];
    while (!page.done && page.nextRecordsUrl) {
      const next = page.nextRecordsUrl.replace(/^\/services\/data\/v[\d.]+/, '');
      page = (await this.request('GET', next)) as QueryPage<T>;
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
    const token = parseJsonBody(response) as
      | { access_token?: string; instance_url?: string; error?: string; error_description?: string }
      | undefined;
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
  if (response.status === 429) throw new ThrottledError(`Salesforce throttled ${where} (429)`);
  if (response.status >= 500) throw unavailable(response, where);
  const errors = Array.isArray(body) ? (body as SalesforceError[]) : [{ errorCode: 'UNKNOWN', message: response.text }];
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
