// OData v2 as SAP's APIs answer it, for the schemas and requests of this connector: `{"d": ...}`
// around every body, `results` around collections, `__metadata` with the entity's URI and ETag,
// dates as `/Date(ms)/`, decimals as strings.
import * as z from 'zod';

export const ODATA_ROOT = '/sap/opu/odata/sap';

export type Service = 'API_BUSINESS_PARTNER' | 'API_SALES_ORDER_SRV' | 'API_PRODUCT_SRV';

export const entityMetadata = z.object({ uri: z.string(), etag: z.string().optional() });

/** A single entity answer: `{"d": {...}}`. */
export function entity<T>(schema: z.ZodType<T>): z.ZodType<T> {
  return z.object({ d: schema }).transform((body) => body.d);
}

/** A collection answer: `{"d": {"results": [...]}}`. */
export function collection<T>(schema: z.ZodType<T>): z.ZodType<T[]> {
  return z.object({ d: z.object({ results: z.array(schema) }) }).transform((body) => body.d.results);
}

/** An expanded to-many navigation property inside an entity. */
export function expanded<T>(schema: z.ZodType<T>): z.ZodType<T[]> {
  return z.object({ results: z.array(schema) }).transform((value) => value.results);
}

/** Edm.Decimal, which v2 JSON carries as a string. */
export const decimal = z.union([z.string(), z.number()]).transform((value, context) => {
  const number = Number(value);
  if (!Number.isFinite(number)) {
    context.addIssue({ code: 'custom', message: `'${value}' is not a decimal` });
    return z.NEVER;
  }
  return number;
});

/** Edm.DateTime / Edm.DateTimeOffset as `/Date(ms)/` or `/Date(ms+0000)/`, to YYYY-MM-DD (UTC). */
export const edmDate = z.string().transform((value, context) => {
  const date = parseEdmDate(value);
  if (!date) {
    context.addIssue({ code: 'custom', message: `'${value}' is not an OData v2 date` });
    return z.NEVER;
  }
  return date;
});

export function parseEdmDate(value: string): string | undefined {
  const match = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (!match) return undefined;
  const date = new Date(Number(match[1]));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}

/** A YYYY-MM-DD date as Edm.DateTime in a request body. */
export function toEdmDate(isoDate: string): string {
  return `/Date(${Date.parse(`${isoDate}T00:00:00Z`)})/`;
}

/** A string literal for $filter and key predicates: single quotes doubled. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `('value')` for a single-key entity in a resource path, encoded for the URL. */
export function byKey(value: string): string {
  return `(${encodeURIComponent(literal(value))})`;
}

/** A relative resource path with system query options, each value URI-encoded. */
export function resource(path: string, options: Record<string, string | number | undefined> = {}): string {
  const query = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

/**
 * The path of an entity inside its service, from the `__metadata.uri` SAP rendered: whatever
 * host SAP thinks it has (behind a proxy it is often an internal one), the part after the
 * service root addresses the entity.
 */
export function pathInService(uri: string, service: Service): string | undefined {
  const marker = `${ODATA_ROOT}/${service}/`;
  const index = uri.indexOf(marker);
  return index < 0 ? undefined : uri.slice(index + marker.length);
}

/** A quantity or price as the decimal string v2 expects, without float noise. */
export function decimalString(value: number, places: number): string {
  return String(Number(value.toFixed(places)));
}
