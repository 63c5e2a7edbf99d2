// Odoo's exceptions as the sandbox raises them; each protocol renders them its own way (JSON-2:
// an HTTP status and {name, message, ...}; JSON-RPC: HTTP 200 with an `error` member).
import { json, type SandboxResponse } from '../http';

const STATUS: Record<string, number> = {
  'odoo.exceptions.AccessDenied': 401,
  'odoo.exceptions.AccessError': 403,
  'odoo.exceptions.MissingError': 404,
  'werkzeug.exceptions.NotFound': 404,
  'werkzeug.exceptions.BadRequest': 400,
  'odoo.exceptions.ValidationError': 422,
  'odoo.exceptions.UserError': 422,
  'builtins.ValueError': 422,
};

export class OdooException extends Error {
  constructor(
    readonly exceptionName: string,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.exceptionName] ?? 500;
  }

  /** The body both protocols carry (JSON-RPC inside error.data). */
  body(): Record<string, unknown> {
    return {
      name: this.exceptionName,
      message: this.message,
      arguments: [this.message],
      context: {},
      debug: `Traceback (most recent call last):\n  ...\n${this.exceptionName}: ${this.message}`,
    };
  }
}

export const accessDenied = (message = 'Access Denied') => new OdooException('odoo.exceptions.AccessDenied', message);
export const validationError = (message: string) => new OdooException('odoo.exceptions.ValidationError', message);
export const userError = (message: string) => new OdooException('odoo.exceptions.UserError', message);
export const valueError = (message: string) => new OdooException('builtins.ValueError', message);
export const notFound = (message: string) => new OdooException('werkzeug.exceptions.NotFound', message);
export const missingError = (model: string, ids: number[], uid: number) =>
  new OdooException(
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')},), User: ${uid})`,
  );

export const COOLDOWN_MESSAGE = 'Too many login failures, please wait a bit before trying again.';

export function json2Error(error: OdooException): SandboxResponse {
  return json(error.status, error.body());
}

export function rpcError(id: unknown, error: OdooException): SandboxResponse {
  return json(200, {
    jsonrpc: '2.0',
    id: id ?? null,
    error: { code: 200, message: 'Odoo Server Error', data: error.body() },
  });
}

/** What the reverse proxy in front of Odoo answers itself (rate limit, outage): HTML, not Odoo JSON. */
export function proxyPage(status: number, title: string, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'text/html', ...headers },
    body: `<html><head><title>${status} ${title}</title></head><body><center><h1>${status} ${title}</h1></center><hr><center>nginx</center></body></html>`,
  };
}
