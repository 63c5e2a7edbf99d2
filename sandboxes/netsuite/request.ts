// Reading record requests the way NetSuite does: `eid:` references in the URL, JSON bodies,
// `{ id }` references to other records, and the idempotency header on creates.
import type { SandboxRequest, SandboxResponse } from '../http';
import { invalidFieldValue, nsError, RequestRejected } from './errors';
import type { RecordRef, SandboxStore } from './store';

export const RECORD_BASE = '/services/rest/record/v1';
const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const IDEMPOTENCY_HEADER = 'x-netsuite-idempotency-key';

export interface RecordContext {
  store: SandboxStore;
  baseUrl: () => string;
}

export type JsonObject = Record<string, unknown>;

export function recordUrl(ctx: RecordContext, type: string, id: string, ...rest: string[]): string {
  return [`${ctx.baseUrl()}${RECORD_BASE}/${type}/${id}`, ...rest].join('/');
}

export const selfLinks = (href: string) => [{ rel: 'self', href }];

/** `812` or `eid:CID002`; an external id outside NetSuite's character set is rejected. */
export function parseRecordRef(raw: string): RecordRef {
  if (!raw.startsWith('eid:')) return { kind: 'internal', value: raw };
  const value = raw.slice('eid:'.length);
  if (!EXTERNAL_ID_PATTERN.test(value)) {
    throw new RequestRejected(
      nsError(400, 'INVALID_ID', `Invalid record instance identifier '${raw}'. Provide a valid record instance ID.`),
    );
  }
  return { kind: 'external', value };
}

export function isValidExternalId(value: string): boolean {
  return EXTERNAL_ID_PATTERN.test(value);
}

export function parseBody(req: SandboxRequest): JsonObject {
  let body: unknown;
  try {
    body = req.body.length === 0 ? {} : JSON.parse(req.body);
  } catch (error) {
    throw new RequestRejected(
      nsError(400, 'INVALID_CONTENT', `Invalid content in the request body: ${(error as Error).message}`),
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestRejected(nsError(400, 'INVALID_CONTENT', 'The request body must be a JSON object.'));
  }
  return body as JsonObject;
}

/** The id inside a `{ id }` reference; absent field -> undefined, malformed -> rejected. */
export function readRefId(body: JsonObject, field: string, path = field): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const id = typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject).id : undefined;
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  throw new RequestRejected(invalidFieldValue(JSON.stringify(value), field, path));
}

export function readString(body: JsonObject, field: string, path = field): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RequestRejected(invalidFieldValue(JSON.stringify(value), field, path));
  return value;
}

export function readNumber(body: JsonObject, field: string, path = field): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RequestRejected(invalidFieldValue(JSON.stringify(value), field, path));
  }
  return value;
}

export function idempotencyKey(req: SandboxRequest): string | undefined {
  const value = req.headers[IDEMPOTENCY_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A key seen before answers like NetSuite's duplicate async request: 400 titled "Conflict",
 * with the Location of what the first request created.
 */
export function idempotencyConflict(ctx: RecordContext, key: string | undefined): SandboxResponse | undefined {
  if (!key) return undefined;
  const previous = ctx.store.state.idempotencyKeys[key];
  if (!previous) return undefined;
  return nsError(
    400,
    'IDEMPOTENCY_ERROR',
    'A request with the same idempotency key is already submitted. See the "Location" header for a link to the previously submitted request.',
    { title: 'Conflict', typeStatus: 409, headers: { location: `${ctx.baseUrl()}${previous}` } },
  );
}

export function rememberIdempotencyKey(ctx: RecordContext, key: string | undefined, location: string): void {
  if (key) ctx.store.state.idempotencyKeys[key] = location.slice(ctx.baseUrl().length);
}

/** Unknown record types get NetSuite's wording; known types the sandbox does not model say so. */
export function unsupportedRoute(req: SandboxRequest): SandboxResponse {
  const type = req.path.slice(RECORD_BASE.length + 1).split('/')[0];
  const detail = KNOWN_RECORD_TYPES.has(type)
    ? `The NetSuite sandbox does not support ${req.method} ${req.path}.`
    : `Record type '${type}' does not exist.`;
  return nsError(404, 'NONEXISTENT_ID', detail);
}

const KNOWN_RECORD_TYPES = new Set([
  'customer',
  'salesOrder',
  'inventoryItem',
  'serviceSaleItem',
  'nonInventorySaleItem',
]);

export const roundMoney = (value: number) => Math.round(value * 100) / 100;
