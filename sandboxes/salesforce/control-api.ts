// The sandbox's "UI" and inspection surface under /_sandbox: users editing records (which runs
// the workflow rule), the outbox and delivery log, settings, and fault injection. No auth, no latency.
import { json, noContent, type Router, type SandboxRequest, type SandboxResponse } from '../http';
import type { RuntimeConfig, SandboxContext } from './context';
import { notFound, parseSObjectBody, SalesforceError } from './errors';
import { findObject, OBJECT_NAMES, type ObjectDef, requireObject } from './schema';
import { plainRecord } from './values';

type Route = (req: SandboxRequest) => SandboxResponse;

export function registerControlApi(router: Router, ctx: SandboxContext): void {
  router.on('GET', '/_sandbox/state', () => json(200, stateOf(ctx)));
  router.on(
    'POST',
    '/_sandbox/records/:type',
    answering((req) => createAsUser(ctx, req)),
  );
  router.on(
    'PATCH',
    '/_sandbox/records/:type/:id',
    answering((req) => updateAsUser(ctx, req)),
  );
  router.on(
    'DELETE',
    '/_sandbox/records/:type/:id',
    answering((req) => deleteAsUser(ctx, req)),
  );
  router.on('POST', '/_sandbox/outbound/:notificationId/redeliver', (req) => redeliver(ctx, req));
  router.on('PUT', '/_sandbox/config', (req) => updateConfig(ctx, req));
  router.on('POST', '/_sandbox/sessions/expire', () => {
    ctx.sessions.expireAll();
    return noContent();
  });
  router.on('GET', '/_sandbox/requests', () => json(200, ctx.requests.list()));
  router.on('DELETE', '/_sandbox/requests', () => {
    ctx.requests.clear();
    return noContent();
  });
  router.on('GET', '/_sandbox/deliveries', () => json(200, ctx.messenger.deliveryLog()));
  router.on('DELETE', '/_sandbox/deliveries', () => {
    ctx.messenger.clearDeliveryLog();
    return noContent();
  });
}

/** Record edits fail with the same error bodies the REST API uses. */
function answering(route: Route): Route {
  return (req) => {
    try {
      return route(req);
    } catch (error) {
      if (error instanceof SalesforceError) return error.toResponse();
      throw error;
    }
  };
}

function stateOf(ctx: SandboxContext) {
  const records: Record<string, unknown[]> = {};
  for (const name of OBJECT_NAMES) {
    const object = requireObject(name);
    records[name] = ctx.store.list(name).map((r) => plainRecord(object, r));
  }
  return {
    orgId: ctx.orgId,
    records,
    outbox: ctx.messenger.view(),
    apiUsage: ctx.usage.snapshot(ctx.config.dailyApiLimit),
  };
}

function objectOf(req: SandboxRequest): ObjectDef {
  const object = findObject(req.params.type);
  if (!object) throw notFound();
  return object;
}

function createAsUser(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const id = ctx.store.create(objectOf(req), parseSObjectBody(req.body), 'ui');
  return json(201, { id });
}

function updateAsUser(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const id = ctx.store.update(objectOf(req), req.params.id, parseSObjectBody(req.body), 'ui');
  return json(200, { id });
}

function deleteAsUser(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  ctx.store.delete(objectOf(req), req.params.id);
  return noContent();
}

function redeliver(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const notificationId = req.params.notificationId;
  const outcome = ctx.messenger.redeliver(notificationId);
  switch (outcome) {
    case 'accepted':
      return json(202, { notificationId });
    case 'not-found':
      return json(404, { error: `no notification ${notificationId}` });
    case 'no-endpoint':
      return json(409, { error: 'no outbound endpoint configured' });
    case 'busy':
      return json(409, { error: `notification ${notificationId} is already being redelivered` });
    default:
      return json(409, {
        error: `notification ${notificationId} is not acknowledged yet; it is still being delivered`,
      });
  }
}

interface ConfigUpdate {
  latencyMs?: number;
  endpointUrl?: string | null;
  dailyApiLimit?: number;
  sessionTtlSeconds?: number;
}

function configView(ctx: SandboxContext) {
  return { ...ctx.config, endpointUrl: ctx.messenger.endpointUrl ?? null };
}

function updateConfig(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  let update: ConfigUpdate;
  try {
    update = validateConfig(JSON.parse(req.body || '{}'));
  } catch (error) {
    return json(400, { error: (error as Error).message });
  }
  const numeric: (keyof RuntimeConfig)[] = ['latencyMs', 'dailyApiLimit', 'sessionTtlSeconds'];
  for (const key of numeric) {
    if (update[key] !== undefined) ctx.config[key] = update[key];
  }
  if (update.endpointUrl !== undefined) ctx.messenger.setEndpoint(update.endpointUrl ?? undefined);
  return json(200, configView(ctx));
}

function validateConfig(body: unknown): ConfigUpdate {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('body must be a JSON object');
  const allowed = ['latencyMs', 'endpointUrl', 'dailyApiLimit', 'sessionTtlSeconds'];
  const input = body as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw new Error(`unknown setting ${key}; settable: ${allowed.join(', ')}`);
  }
  const nonNegative = (key: string, integer = false) => {
    const value = input[key];
    if (value === undefined) return;
    if (typeof value !== 'number' || value < 0 || (integer && !Number.isInteger(value))) {
      throw new Error(`${key} must be a non-negative ${integer ? 'integer' : 'number'}`);
    }
  };
  nonNegative('latencyMs');
  nonNegative('dailyApiLimit', true);
  nonNegative('sessionTtlSeconds');
  const url = input.endpointUrl;
  if (url !== undefined && url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) {
    throw new Error('endpointUrl must be an http(s) URL or null');
  }
  return input as ConfigUpdate;
}
