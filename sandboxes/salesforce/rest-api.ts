// The real-contract surface under /services: the OAuth token endpoint and the REST API (query,
// sObject rows, upsert by external id, describe, limits), behind session checks, the daily API
// allowance, configurable latency and a request log.
import {
  json,
  type Middleware,
  noContent,
  type Router,
  type SandboxRequest,
  type SandboxResponse,
  sleep,
} from '../http';
import type { SandboxContext } from './context';
import { invalidSession, notFound, parseSObjectBody, requestLimitExceeded, SalesforceError } from './errors';
import {
  describeObject,
  type FieldDef,
  findField,
  findObject,
  OBJECT_NAMES,
  type ObjectDef,
  requireObject,
} from './schema';
import { runQuery } from './soql';
import { recordUrl, restRecord } from './values';

const VERSION_PATTERN = /^v\d{2,3}\.\d$/;
const KNOWN_VERSIONS = ['58.0', '59.0', '60.0', '61.0', '62.0', '63.0', '64.0'];
/** From this version on, an upsert that updates answers 200 with a body instead of 204. */
const UPSERT_BODY_SINCE = 46;

type VersionedRoute = (req: SandboxRequest, version: string) => SandboxResponse;

export function registerRestApi(router: Router, ctx: SandboxContext): void {
  router.use('/services', ctx.requests.record);
  router.use('/services', addLatency(ctx));
  router.use('/services/data/v', authorize(ctx));

  router.on('POST', '/services/oauth2/token', (req) =>
    ctx.sessions.issueToken(req.body, header(req, 'authorization'), ctx.url()),
  );
  router.on('GET', '/services/data', () => json(200, KNOWN_VERSIONS.map(versionInfo)));

  const base = '/services/data/:version';
  router.on(
    'GET',
    base,
    versioned((_req, version) => json(200, resourcesOf(version))),
  );
  router.on(
    'GET',
    `${base}/limits`,
    versioned(() => json(200, limitsOf(ctx))),
  );
  router.on(
    'GET',
    `${base}/query`,
    versioned((req, version) => json(200, runQuery(req.query.get('q') ?? '', ctx.store, version))),
  );
  router.on(
    'GET',
    `${base}/sobjects`,
    versioned((_req, version) => json(200, globalDescribe(version))),
  );
  router.on(
    'GET',
    `${base}/sobjects/:type`,
    versioned((req, version) => json(200, objectInfo(objectOf(req), version))),
  );
  router.on(
    'GET',
    `${base}/sobjects/:type/describe`,
    versioned((req) => json(200, describeObject(objectOf(req)))),
  );
  router.on(
    'GET',
    `${base}/sobjects/:type/:id`,
    versioned((req, version) => getRecord(ctx, req, version)),
  );
  router.on(
    'GET',
    `${base}/sobjects/:type/:field/:value`,
    versioned((req, version) => getByExternalId(ctx, req, version)),
  );
  router.on(
    'POST',
    `${base}/sobjects/:type`,
    versioned((req) => createRecord(ctx, req)),
  );
  router.on(
    'PATCH',
    `${base}/sobjects/:type/:id`,
    versioned((req) => updateRecord(ctx, req)),
  );
  router.on(
    'PATCH',
    `${base}/sobjects/:type/:field/:value`,
    versioned((req, version) => upsertRecord(ctx, req, version)),
  );
  router.on(
    'DELETE',
    `${base}/sobjects/:type/:id`,
    versioned((req) => deleteRecord(ctx, req)),
  );
  for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
    router.on(method, `${base}/*`, () => notFound().toResponse());
  }
}

function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function addLatency(ctx: SandboxContext): Middleware {
  return async (_req, next) => {
    if (ctx.config.latencyMs > 0) await sleep(ctx.config.latencyMs);
    return next();
  };
}

/** Every data call needs a live session and spends one call of the daily allowance. */
function authorize(ctx: SandboxContext): Middleware {
  return async (req, next) => {
    if (!ctx.sessions.authenticate(header(req, 'authorization'))) return invalidSession().toResponse();
    const limit = ctx.config.dailyApiLimit;
    if (!ctx.usage.tryConsume(limit)) return requestLimitExceeded().toResponse();
    const response = await next();
    const { used } = ctx.usage.snapshot(limit);
    return { ...response, headers: { ...response.headers, 'Sforce-Limit-Info': `api-usage=${used}/${limit}` } };
  };
}

/** Checks the API version and turns thrown Salesforce errors into their JSON answers. */
function versioned(route: VersionedRoute) {
  return (req: SandboxRequest): SandboxResponse => {
    const version = req.params.version;
    if (!VERSION_PATTERN.test(version)) return notFound().toResponse();
    try {
      return route(req, version);
    } catch (error) {
      if (error instanceof SalesforceError) return error.toResponse();
      console.error('salesforce sandbox: unexpected error', error);
      return new SalesforceError(
        500,
        'UNKNOWN_EXCEPTION',
        'An unexpected error occurred. Please include this ErrorId if you contact support.',
      ).toResponse();
    }
  };
}

function objectOf(req: SandboxRequest): ObjectDef {
  const object = findObject(req.params.type);
  if (!object) throw notFound();
  return object;
}

function versionInfo(version: string) {
  return { label: `API ${version}`, url: `/services/data/v${version}`, version };
}

function resourcesOf(version: string) {
  const base = `/services/data/${version}`;
  return { limits: `${base}/limits`, query: `${base}/query`, sobjects: `${base}/sobjects` };
}

function limitsOf(ctx: SandboxContext) {
  const { used, limit } = ctx.usage.snapshot(ctx.config.dailyApiLimit);
  return { DailyApiRequests: { Max: limit, Remaining: Math.max(0, limit - used) } };
}

function globalDescribe(version: string) {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: OBJECT_NAMES.map((name) => {
      const object = requireObject(name);
      return { name, label: object.label, keyPrefix: object.keyPrefix, urls: objectUrls(object, version) };
    }),
  };
}

function objectUrls(object: ObjectDef, version: string) {
  const base = `/services/data/${version}/sobjects/${object.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function objectInfo(object: ObjectDef, version: string) {
  return {
    objectDescribe: {
      name: object.name,
      label: object.label,
      keyPrefix: object.keyPrefix,
      urls: objectUrls(object, version),
    },
    recentItems: [],
  };
}

/** `?fields=a,b` narrows the answer; an unknown name fails like a bad SOQL column. */
function selectedFields(object: ObjectDef, req: SandboxRequest): FieldDef[] | undefined {
  const list = req.query.get('fields');
  if (!list) return undefined;
  return list.split(',').map((name) => {
    const field = findField(object, name.trim());
    if (!field) {
      throw new SalesforceError(
        400,
        'INVALID_FIELD',
        `No such column '${name.trim()}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return field;
  });
}

function getRecord(ctx: SandboxContext, req: SandboxRequest, version: string): SandboxResponse {
  const object = objectOf(req);
  const fields = selectedFields(object, req);
  const record = ctx.store.get(object, req.params.id);
  const withId =
    fields && !fields.some((f) => f.name === 'Id') ? [findField(object, 'Id') as FieldDef, ...fields] : fields;
  return json(200, restRecord(object, record, version, withId));
}

function externalIdField(object: ObjectDef, name: string): FieldDef {
  const field = findField(object, name);
  if (!field || !(field.externalId || field.type === 'id')) {
    throw new SalesforceError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${name}`,
    );
  }
  return field;
}

function getByExternalId(ctx: SandboxContext, req: SandboxRequest, version: string): SandboxResponse {
  const object = objectOf(req);
  const field = externalIdField(object, req.params.field);
  if (field.type === 'id') return json(200, restRecord(object, ctx.store.get(object, req.params.value), version));
  const value = req.params.value.toLowerCase();
  const matches = ctx.store.list(object.name).filter((r) => String(r[field.name] ?? '').toLowerCase() === value);
  if (matches.length === 0) throw notFound();
  if (matches.length > 1)
    return multipleChoices(
      object,
      matches.map((r) => String(r.Id)),
      version,
    );
  return json(200, restRecord(object, matches[0], version));
}

function multipleChoices(object: ObjectDef, ids: string[], version: string): SandboxResponse {
  return json(
    300,
    ids.map((id) => recordUrl(version, object.name, id)),
  );
}

function createRecord(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const object = objectOf(req);
  const id = ctx.store.create(object, parseSObjectBody(req.body), 'api');
  return json(201, { id, success: true, errors: [] });
}

function updateRecord(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const object = objectOf(req);
  ctx.store.update(object, req.params.id, parseSObjectBody(req.body), 'api');
  return noContent();
}

function upsertRecord(ctx: SandboxContext, req: SandboxRequest, version: string): SandboxResponse {
  const object = objectOf(req);
  const field = externalIdField(object, req.params.field);
  const result = ctx.store.upsert(object, field, req.params.value, parseSObjectBody(req.body), 'api');
  if (result.outcome === 'multiple') return multipleChoices(object, result.ids, version);
  if (result.outcome === 'created') return json(201, { id: result.id, success: true, errors: [], created: true });
  if (Number(version.slice(1)) < UPSERT_BODY_SINCE) return noContent();
  return json(200, { id: result.id, success: true, errors: [], created: false });
}

function deleteRecord(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  ctx.store.delete(objectOf(req), req.params.id);
  return noContent();
}
