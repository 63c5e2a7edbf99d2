// OData v2 as SAP Gateway speaks it, the parts the sandbox serves: resource paths with key
// predicates and navigation, the system query options $filter (eq joined by and), $expand,
// $select, $orderby, $top and $skip, and JSON in the verbose v2 format (`d`, `results`,
// `__metadata`, `/Date(ms)/`, decimals as strings).
import { malformedRequest, RequestRejected, type ServiceInfo } from './errors';

export const ODATA_ROOT = '/sap/opu/odata/sap';

export type Json = Record<string, unknown>;
export type KeyValue = string | boolean;

export interface ResourceSegment {
  name: string;
  /** Key predicate values: `('X')` is {'': 'X'}, `(A='X',B='Y')` names each. */
  keys?: Record<string, KeyValue>;
}

/** Splits `A_BusinessPartner('1')/to_Customer` into segments; malformed predicates throw a 400. */
export function parseResourcePath(service: ServiceInfo, path: string): ResourceSegment[] {
  if (path === '' || path === '/') return [];
  return path
    .replace(/^\//, '')
    .replace(/\/$/, '')
    .split('/')
    .map((raw) => {
      const segment = decoded(service, raw);
      const match = /^([A-Za-z_][\w.]*)(?:\((.*)\))?$/.exec(segment);
      if (!match) throw new RequestRejected(malformedRequest(service, `invalid segment '${segment}'`));
      return match[2] === undefined ? { name: match[1] } : { name: match[1], keys: parseKeys(service, match[2]) };
    });
}

function decoded(service: ServiceInfo, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RequestRejected(malformedRequest(service, `invalid escape in segment '${raw}'`));
  }
}

function parseKeys(service: ServiceInfo, text: string): Record<string, KeyValue> {
  const keys: Record<string, KeyValue> = {};
  const part = /\s*(?:([A-Za-z_]\w*)\s*=\s*)?('(?:[^']|'')*'|true|false|datetime'[^']*'|-?\d+(?:\.\d+)?)\s*(,|$)/y;
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) throw new RequestRejected(malformedRequest(service, `invalid key predicate '(${text})'`));
    keys[match[1] ?? ''] = literal(match[2]);
    index = part.lastIndex;
    if (match[3] === '') break;
  }
  return keys;
}

function literal(token: string): KeyValue {
  if (token === 'true' || token === 'false') return token === 'true';
  if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
  if (token.startsWith('datetime')) return token.slice("datetime'".length, -1);
  return token;
}

/** A key predicate's value by name, or the single unnamed one. */
export function keyOf(segment: ResourceSegment, name: string): string | undefined {
  const keys = segment.keys ?? {};
  const value = keys[name] ?? (Object.keys(keys).length === 1 ? keys[''] : undefined);
  return value === undefined ? undefined : String(value);
}

export interface QueryOptions {
  filters: { property: string; value: string }[];
  expand: string[][];
  select?: string[];
  orderBy?: { property: string; descending: boolean };
  top?: number;
  skip: number;
}

/** The options SAP's list reads take; anything the sandbox cannot evaluate is a 400, never ignored. */
export function parseQuery(service: ServiceInfo, query: URLSearchParams): QueryOptions {
  const filter = query.get('$filter');
  const top = query.get('$top');
  const skip = query.get('$skip');
  const orderBy = query.get('$orderby');
  return {
    filters: filter ? parseFilter(service, filter) : [],
    expand: (query.get('$expand') ?? '')
      .split(',')
      .map((path) => path.trim())
      .filter(Boolean)
      .map((path) => path.split('/')),
    select: query.get('$select') ? (query.get('$select') as string).split(',').map((s) => s.trim()) : undefined,
    orderBy: orderBy ? parseOrderBy(service, orderBy) : undefined,
    top: top === null ? undefined : nonNegativeInteger(service, '$top', top),
    skip: skip === null ? 0 : nonNegativeInteger(service, '$skip', skip),
  };
}

function parseFilter(service: ServiceInfo, filter: string): { property: string; value: string }[] {
  return filter.split(/\s+and\s+/i).map((clause) => {
    const match = /^\(?\s*([A-Za-z_]\w*)\s+eq\s+'((?:[^']|'')*)'\s*\)?$/.exec(clause.trim());
    if (!match) {
      throw new RequestRejected(malformedRequest(service, `the sandbox evaluates only "Property eq 'value'" filters`));
    }
    return { property: match[1], value: match[2].replace(/''/g, "'") };
  });
}

function parseOrderBy(service: ServiceInfo, orderBy: string): { property: string; descending: boolean } {
  const match = /^([A-Za-z_]\w*)(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match) throw new RequestRejected(malformedRequest(service, `invalid $orderby '${orderBy}'`));
  return { property: match[1], descending: match[2]?.toLowerCase() === 'desc' };
}

function nonNegativeInteger(service: ServiceInfo, option: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new RequestRejected(malformedRequest(service, `invalid ${option} '${value}'`));
  return Number(value);
}

/** The expansions below `navigation` (e.g. `to_Item/to_PricingElement` under `to_Item`). */
export function expansionsUnder(expand: string[][], navigation: string): string[][] {
  return expand.filter((path) => path[0] === navigation && path.length > 1).map((path) => path.slice(1));
}

export function isExpanded(expand: string[][], navigation: string): boolean {
  return expand.some((path) => path[0] === navigation);
}

/** Applies filter, order, paging and $select to rendered entities (their properties are strings). */
export function applyQuery(service: ServiceInfo, entities: Json[], options: QueryOptions): Json[] {
  let rows = entities;
  for (const { property, value } of options.filters) {
    if (rows.length > 0 && !(property in rows[0])) {
      throw new RequestRejected(malformedRequest(service, `property '${property}' is not known`));
    }
    rows = rows.filter((row) => String(row[property]) === value);
  }
  const order = options.orderBy;
  if (order) {
    rows = [...rows].sort((a, b) => {
      const [x, y] = [String(a[order.property] ?? ''), String(b[order.property] ?? '')];
      const compared = x.length !== y.length && /^\d+$/.test(x + y) ? x.length - y.length : x.localeCompare(y);
      return order.descending ? -compared : compared;
    });
  }
  rows = rows.slice(options.skip, options.top === undefined ? undefined : options.skip + options.top);
  const select = options.select;
  return select ? rows.map((row) => selectProperties(row, select)) : rows;
}

function selectProperties(row: Json, select: string[]): Json {
  if (select.includes('*')) return row;
  return Object.fromEntries(Object.entries(row).filter(([key]) => key === '__metadata' || select.includes(key)));
}

/** `/Date(ms)/`, the v2 JSON form of Edm.DateTime (a date at midnight UTC here). */
export function edmDate(isoDate: string): string {
  return `/Date(${Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`)})/`;
}

/** `/Date(ms+0000)/`, the v2 JSON form of Edm.DateTimeOffset. */
export function edmDateTimeOffset(iso: string): string {
  return `/Date(${Date.parse(iso)}+0000)/`;
}

/** An Edm.DateTime in a request body: `/Date(ms)/` or an ISO date(time); undefined when malformed. */
export function readEdmDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  const ms = match ? Number(match[1]) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

/** Edm.Decimal as Gateway renders it in v2 JSON: a string with the property's scale. */
export function decimal(value: number, scale: number): string {
  return value.toFixed(scale);
}

/** A quantity without trailing zeros, as SAP shows unit quantities. */
export function quantity(value: number): string {
  return String(Number(value.toFixed(3)));
}

/** An Edm.Decimal in a request body: SAP takes the JSON string form, and numbers too. */
export function readDecimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value.trim())) return undefined;
  return Number(value);
}

export function metadata(baseUrl: string, service: string, type: string, uri: string, etag?: string): Json {
  const full = `${baseUrl}${ODATA_ROOT}/${service}/${uri}`;
  return { id: full, uri: full, type: `${service}.${type}`, ...(etag ? { etag } : {}) };
}

export const deferred = (baseUrl: string, service: string, uri: string) => ({
  __deferred: { uri: `${baseUrl}${ODATA_ROOT}/${service}/${uri}` },
});

/** `'X'` with single quotes doubled, for key predicates in rendered URIs. */
export const quoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A deep-insert navigation property in a request: an array, or `{results: [...]}`. */
export function readNavigationArray(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && Array.isArray((value as Json).results)) return (value as Json).results as unknown[];
  return undefined;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
