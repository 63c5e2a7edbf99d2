// Odoo's two external APIs over the same ORM: JSON-2 (Odoo 19: POST /json/2/<model>/<method>,
// API key as bearer, keyword arguments as the body) and JSON-RPC (/jsonrpc, `common` to
// authenticate, `object.execute_kw` with the key as password, errors inside an HTTP 200).
import { json, type SandboxRequest, type SandboxResponse } from '../http';
import { accessDenied, COOLDOWN_MESSAGE, json2Error, notFound, OdooException, rpcError, valueError } from './errors';
import type { Governance } from './governance';
import { callMethod, type Kwargs } from './orm';
import type { OdooStore, OdooUser } from './store';

export interface ApiContext {
  store: OdooStore;
  governance: Governance;
  database: string;
}

const SERVER_VERSION = '19.0';

export function json2Route(ctx: ApiContext) {
  return (req: SandboxRequest): SandboxResponse => {
    try {
      const database = header(req, 'x-odoo-database');
      if (database !== undefined && database !== ctx.database) throw notFound(`Database '${database}' not found.`);
      const bearer = /^bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
      const user = authenticateKey(ctx, bearer, 'Invalid apikey');
      let kwargs: unknown;
      try {
        kwargs = req.body.length === 0 ? {} : JSON.parse(req.body);
      } catch (error) {
        throw new OdooException('werkzeug.exceptions.BadRequest', `Invalid JSON data: ${(error as Error).message}`);
      }
      if (!isObject(kwargs))
        throw new OdooException('werkzeug.exceptions.BadRequest', 'The body must be a JSON object.');
      const { model, method } = req.params;
      const result = callMethod({ store: ctx.store, user }, model, method, kwargs);
      return answer(ctx, method, json(200, result));
    } catch (error) {
      return json2Error(asOdooException(error));
    }
  };
}

export function jsonRpcRoute(ctx: ApiContext) {
  return (req: SandboxRequest): SandboxResponse => {
    let id: unknown = null;
    try {
      let body: unknown;
      try {
        body = JSON.parse(req.body);
      } catch (error) {
        const parse = new OdooException(
          'werkzeug.exceptions.BadRequest',
          `Invalid JSON data: ${(error as Error).message}`,
        );
        return { ...rpcError(null, parse), status: 400 };
      }
      if (!isObject(body) || !isObject(body.params)) throw valueError('A JSON-RPC request needs params');
      id = body.id ?? null;
      const { service, method, args } = body.params;
      if (!Array.isArray(args)) throw valueError('params.args must be a list');
      const result = dispatchRpc(ctx, String(service), String(method), args);
      return answer(ctx, String(args[4] === undefined ? '' : args[4]), json(200, { jsonrpc: '2.0', id, result }));
    } catch (error) {
      return rpcError(id, asOdooException(error));
    }
  };
}

function dispatchRpc(ctx: ApiContext, service: string, method: string, args: unknown[]): unknown {
  if (service === 'common' && method === 'version') {
    return { server_version: SERVER_VERSION, server_serie: SERVER_VERSION, protocol_version: 1 };
  }
  if (service === 'common' && (method === 'authenticate' || method === 'login')) {
    const [database, login, key] = args;
    if (ctx.governance.loginCoolingDown()) throw accessDenied(COOLDOWN_MESSAGE);
    const user = database === ctx.database ? userForKey(ctx, key) : undefined;
    if (!user || user.login !== login) {
      ctx.governance.loginFailed();
      return false;
    }
    return user.uid;
  }
  if (service === 'object' && method === 'execute_kw') {
    const [database, uid, key, model, modelMethod, positional = [], keywords = {}] = args;
    if (database !== ctx.database) throw notFound(`Database '${String(database)}' not found.`);
    const user = authenticateKey(ctx, key, 'Access Denied');
    if (user.uid !== uid) throw accessDenied();
    if (
      typeof model !== 'string' ||
      typeof modelMethod !== 'string' ||
      !Array.isArray(positional) ||
      !isObject(keywords)
    ) {
      throw valueError('execute_kw takes (db, uid, password, model, method, args, kwargs)');
    }
    return callMethod(
      { store: ctx.store, user },
      model,
      modelMethod,
      withPositional(modelMethod, positional, keywords),
    );
  }
  throw notFound(`No method '${method}' in service '${service}'.`);
}

/** Positional arguments in the order the ORM methods declare them. */
const SIGNATURES: Record<string, string[]> = {
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search_count: ['domain'],
  read: ['ids', 'fields'],
  create: ['vals_list'],
  write: ['ids', 'vals'],
};

function withPositional(method: string, positional: unknown[], keywords: Kwargs): Kwargs {
  const names = SIGNATURES[method] ?? [];
  const named: Kwargs = {};
  positional.forEach((value, i) => {
    if (names[i]) named[names[i]] = value;
  });
  // create() also takes one dict where a list is expected.
  if (method === 'create' && isObject(named.vals_list)) named.vals_list = [named.vals_list];
  return { ...named, ...keywords };
}

function authenticateKey(ctx: ApiContext, key: unknown, message: string): OdooUser {
  if (ctx.governance.loginCoolingDown()) throw accessDenied(COOLDOWN_MESSAGE);
  const user = userForKey(ctx, key);
  if (!user) {
    ctx.governance.loginFailed();
    throw accessDenied(message);
  }
  return user;
}

function userForKey(ctx: ApiContext, key: unknown): OdooUser | undefined {
  if (typeof key !== 'string') return undefined;
  const apiKey = ctx.store.state.apiKeys.find((k) => k.key === key && !k.expired);
  return apiKey && ctx.store.state.users.find((u) => u.uid === apiKey.uid);
}

/** A create's answer may be lost on the way, after the records are committed. */
function answer(ctx: ApiContext, method: string, response: SandboxResponse): SandboxResponse {
  return method === 'create' && ctx.governance.takeDrop() ? { ...response, drop: true } : response;
}

function asOdooException(error: unknown): OdooException {
  if (error instanceof OdooException) return error;
  return new OdooException('builtins.Exception', `Sandbox error: ${(error as Error).message}`);
}

function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const isObject = (value: unknown): value is Kwargs =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
