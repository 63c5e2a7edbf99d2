// Turning request bodies into stored field values (with Salesforce's write rules and error codes)
// and stored values back into the JSON the REST API answers with.
import { dmlError, jsonParserError } from './errors';
import { type FieldDef, findField, type ObjectDef } from './schema';

export type RecordFields = Record<string, unknown>;

/** Who is writing: the REST API, a user in the UI (control API), or the sandbox itself (seeding). */
export type SaveOrigin = 'api' | 'ui' | 'system';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/;

/**
 * Maps a request body onto canonical field names and typed values. Rejects unknown fields,
 * read-only fields, ill-typed values and over-long text like the API does.
 */
export function normalizeInput(
  object: ObjectDef,
  input: Record<string, unknown>,
  mode: 'create' | 'update',
  origin: SaveOrigin,
): RecordFields {
  const values: RecordFields = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    // Clients echo the `attributes` block they received; Salesforce ignores it.
    if (key === 'attributes') continue;
    const field = findField(object, key);
    if (!field) {
      throw dmlError('INVALID_FIELD', `No such column '${key}' on sobject of type ${object.name}`);
    }
    const writable = mode === 'create' ? field.createable : field.updateable;
    if (!writable && origin !== 'system') {
      readOnly.push(field.name);
      continue;
    }
    values[field.name] = coerceValue(field, raw);
  }
  if (readOnly.length > 0) {
    throw dmlError(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  }
  return values;
}

export function coerceValue(field: FieldDef, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (field.type) {
    case 'currency':
    case 'double':
      return coerceNumber(field, raw);
    case 'boolean':
      return coerceBoolean(raw);
    case 'date':
      return coerceDate(raw);
    case 'datetime':
      return coerceDateTime(raw);
    default:
      return coerceText(field, raw);
  }
}

function cannotDeserialize(type: string, raw: unknown): never {
  const token = typeof raw === 'string' ? 'VALUE_STRING' : Array.isArray(raw) ? 'START_ARRAY' : 'VALUE_OTHER';
  throw jsonParserError(
    `Cannot deserialize instance of ${type} from ${token} value ${String(raw)} or request may be missing a required field`,
  );
}

function coerceNumber(field: FieldDef, raw: unknown): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) cannotDeserialize(field.type, raw);
  // Currency fields have scale 2; Salesforce rounds rather than rejecting extra digits.
  return field.type === 'currency' ? roundTo2(value) : value;
}

export function roundTo2(value: number): number {
  return Math.round(value * 100) / 100;
}

function coerceBoolean(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return cannotDeserialize('boolean', raw);
}

function coerceDate(raw: unknown): string {
  const match = typeof raw === 'string' ? DATE_PATTERN.exec(raw) : null;
  if (!match) return cannotDeserialize('date', raw);
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) cannotDeserialize('date', raw);
  return `${y}-${m}-${d}`;
}

function coerceDateTime(raw: unknown): string {
  const ms = typeof raw === 'string' ? Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
  if (Number.isNaN(ms)) return cannotDeserialize('datetime', raw);
  return new Date(ms).toISOString();
}

function coerceText(field: FieldDef, raw: unknown): string | null {
  if (typeof raw === 'object') cannotDeserialize('string', raw);
  const value = String(raw);
  // Salesforce stores an empty text value as null.
  if (value === '') return null;
  if (field.length !== undefined && value.length > field.length) {
    throw dmlError('STRING_TOO_LONG', `${field.label}: data value too large: ${value} (max length=${field.length})`, [
      field.name,
    ]);
  }
  if (field.allowedValues && !field.allowedValues.includes(value)) {
    throw dmlError(
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${field.label}: bad value for restricted picklist field: ${value}`,
      [field.name],
    );
  }
  return value;
}

/** Datetimes are stored as ISO strings in UTC; the REST API writes them as `...000+0000`. */
export function restValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'datetime' && typeof value === 'string') return value.replace(/Z$/, '+0000');
  return value;
}

export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/${version}/sobjects/${type}/${id}`;
}

/** A record as the REST API returns it: attributes first, then the requested fields in order. */
export function restRecord(object: ObjectDef, record: RecordFields, version: string, fields?: FieldDef[]) {
  const out: Record<string, unknown> = {
    attributes: { type: object.name, url: recordUrl(version, object.name, String(record.Id)) },
  };
  for (const field of fields ?? object.fields) out[field.name] = restValue(field, record[field.name]);
  return out;
}

/** A record without attributes, as the control API's state view shows it. */
export function plainRecord(object: ObjectDef, record: RecordFields): RecordFields {
  const out: RecordFields = {};
  for (const field of object.fields) out[field.name] = restValue(field, record[field.name]);
  return out;
}
