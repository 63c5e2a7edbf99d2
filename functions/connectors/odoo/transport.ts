// The two ways to call a model method on Odoo: the JSON-2 API of Odoo 19 (one POST per method,
// the API key as bearer) and the older JSON-RPC execute_kw. Both end in the same outcome: the
// method's return value, or an OdooFault carrying Odoo's exception name for the caller to read.
import * as z from 'zod';
import { ThrottledError, UnavailableError } from '../../domain/errors';
import { type HttpResponse, parseJsonBody, retryAfterSeconds, send } from '../../platform/http';
import type { OdooCredentials } from './credentials';

export const SYSTEM_TITLE = 'Odoo';

/** An exception Odoo raised in the method (or in authentication), by its Python name. */
export class OdooFault extends Error {
  constructor(
    /** e.g. odoo.exceptions.ValidationError */
    readonly exception: string,
    readonly odooMessage: string,
    readonly status: number,
  ) {
    super(`Odoo answered ${status} ${exception}: ${odooMessage}`);
    this.name = 'OdooFault';
  }

  is(short: string): boolean {
    return this.exception.endsWith(`.${short}`);
  }
}

/** Keyword arguments of an ORM method, as JSON-2 takes them. */
export type Kwargs = Record<string, unknown>;

export interface OdooTransport {
  call(model: string, method: string, kwargs: Kwargs): Promise<unknown>;
  /** Forgets what authentication established (the JSON-RPC uid), before a retry. */
  reset(): void;
}

// Odoo's login cooldown answers AccessDenied with this text; it is a wait, not bad credentials.
const COOLDOWN = /too many login failures/i;
// Odoo's default base.login_cooldown_duration.
const COOLDOWN_SECONDS = 60;

const json2Error = z.object({ name: z.string(), message: z.string() });

export class Json2Transport implements OdooTransport {
  constructor(private readonly credentials: OdooCredentials) {}

  async call(model: string, method: string, kwargs: Kwargs): Promise<unknown> {
    const where = `${model}.${method}`;
    const response = await send({
      system: SYSTEM_TITLE,
      method: 'POST',
      url: `${base(this.credentials)}/json/2/${model}/${method}`,
      headers: {
        authorization: `bearer ${this.credentials.apiKey}`,
        'x-odoo-database': this.credentials.database,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(kwargs),
    });
    transportFailure(response, where);
    const body = parseJsonBody(response);
    if (response.status === 200) return body;
    const error = json2Error.safeParse(body);
    if (!error.success) {
      if (response.status === 404) {
        // No JSON-2 endpoint at all: an Odoo before 19, or a wrong base URL.
        throw new OdooFault('werkzeug.exceptions.NotFound', `no JSON-2 API at ${base(this.credentials)}`, 404);
      }
      throw new UnavailableError(`Odoo answered ${where} with HTTP ${response.status} and no error body`);
    }
    throw fault(error.data.name, error.data.message, response.status, where);
  }

  reset(): void {}
}

const rpcAnswer = z.union([
  z.object({ result: z.unknown() }).refine((body) => 'result' in body),
  z.object({
    error: z.object({
      message: z.string(),
      data: z.object({ name: z.string(), message: z.string() }).optional(),
    }),
  }),
]);

/** Positional arguments of record methods: JSON-RPC takes the ids first, not as a keyword. */
const POSITIONAL_IDS = new Set(['read', 'write', 'unlink']);

export class JsonRpcTransport implements OdooTransport {
  private uid?: Promise<number>;

  constructor(private readonly credentials: OdooCredentials) {}

  async call(model: string, method: string, kwargs: Kwargs): Promise<unknown> {
    const uid = await this.authenticate();
    const { ids, ...rest } = kwargs;
    const args = POSITIONAL_IDS.has(method) ? [ids] : [];
    const keywords = POSITIONAL_IDS.has(method) ? rest : kwargs;
    const { database, apiKey } = this.credentials;
    return this.rpc(
      'object',
      'execute_kw',
      [database, uid, apiKey, model, method, args, keywords],
      `${model}.${method}`,
    );
  }

  reset(): void {
    this.uid = undefined;
  }

  private authenticate(): Promise<number> {
    this.uid ??= (async () => {
      const { database, login, apiKey } = this.credentials;
      if (!login) throw new OdooFault('odoo.exceptions.AccessDenied', 'the secret has no login for JSON-RPC', 401);
      const uid = await this.rpc('common', 'authenticate', [database, login, apiKey, {}], 'authenticate');
      if (typeof uid !== 'number') throw new OdooFault('odoo.exceptions.AccessDenied', 'Access Denied', 401);
      return uid;
    })().catch((error) => {
      this.uid = undefined;
      throw error;
    });
    return this.uid;
  }

  private async rpc(service: string, method: string, args: unknown[], where: string): Promise<unknown> {
    const response = await send({
      system: SYSTEM_TITLE,
      method: 'POST',
      url: `${base(this.credentials)}/jsonrpc`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: Date.now() }),
    });
    transportFailure(response, where);
    const parsed = rpcAnswer.safeParse(parseJsonBody(response));
    if (response.status !== 200 || !parsed.success) {
      if (response.status === 404) throw new OdooFault('werkzeug.exceptions.NotFound', 'no /jsonrpc endpoint', 404);
      throw new UnavailableError(`Odoo answered ${where} with HTTP ${response.status} and no JSON-RPC body`);
    }
    if ('error' in parsed.data) {
      const { data, message } = parsed.data.error;
      // JSON-RPC always answers 200; the status JSON-2 would give keeps one classification.
      throw fault(data?.name ?? 'odoo.exceptions.UserError', data?.message ?? message, statusOf(data?.name), where);
    }
    return parsed.data.result;
  }
}

/** Answers that say nothing about the call itself: the proxy's rate limit, a gateway, an outage. */
function transportFailure(response: HttpResponse, where: string): void {
  if (response.status === 429) {
    throw new ThrottledError(`Odoo throttled ${where} (429 Too Many Requests)`, {
      retryAfterSeconds: retryAfterSeconds(response.headers),
    });
  }
  if (response.status >= 500 && parseJsonBody(response) === undefined) {
    throw new UnavailableError(`Odoo failed ${where} with HTTP ${response.status}`);
  }
}

function fault(name: string, message: string, status: number, where: string): Error {
  if (name.endsWith('AccessDenied') && COOLDOWN.test(message)) {
    return new ThrottledError(`Odoo's login cooldown refused ${where}: ${message}`, {
      retryAfterSeconds: COOLDOWN_SECONDS,
    });
  }
  if (status >= 500) return new UnavailableError(`Odoo failed ${where} (${name}: ${message})`);
  return new OdooFault(name, message, status);
}

const STATUS: Record<string, number> = {
  AccessDenied: 401,
  AccessError: 403,
  MissingError: 404,
  NotFound: 404,
  ValidationError: 422,
  UserError: 422,
  ValueError: 422,
};

function statusOf(name: string | undefined): number {
  return STATUS[name?.split('.').pop() ?? ''] ?? 500;
}

function base(credentials: OdooCredentials): string {
  return credentials.baseUrl.replace(/\/$/, '');
}
