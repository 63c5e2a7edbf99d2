// Salesforce answers REST errors as a JSON array of {message, errorCode, fields?}; one error class
// carries the HTTP status and that body so every layer can throw and the routes can answer.
import { json, type SandboxResponse } from '../http';

export class SalesforceError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** DML errors name the offending fields (possibly none); other errors carry no `fields` key. */
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'SalesforceError';
  }

  toResponse(headers: Record<string, string> = {}): SandboxResponse {
    const entry: Record<string, unknown> = { message: this.message, errorCode: this.errorCode };
    if (this.fields) entry.fields = this.fields;
    return json(this.status, [entry], headers);
  }
}

export const notFound = () => new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const entityIsDeleted = () => new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted', []);

export const invalidSession = () => new SalesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const requestLimitExceeded = () =>
  new SalesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export function dmlError(errorCode: string, message: string, fields: string[] = []): SalesforceError {
  return new SalesforceError(400, errorCode, message, fields);
}

/** Salesforce parses bodies with Jackson; reproduce the gist of its messages. */
export function jsonParserError(message: string): SalesforceError {
  return new SalesforceError(400, 'JSON_PARSER_ERROR', message);
}

/** Parses a REST body as a JSON object, failing the way the Salesforce API does. */
export function parseSObjectBody(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = body.trim().length === 0 ? undefined : JSON.parse(body);
  } catch (error) {
    throw jsonParserError(describeJsonSyntaxError(body, error as Error));
  }
  if (value === undefined) {
    throw jsonParserError('No content to map due to end-of-input at [line:1, column:0]');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const token = Array.isArray(value) ? 'START_ARRAY' : 'VALUE_STRING';
    throw jsonParserError(`Cannot deserialize instance of SObject from ${token} value at [line:1, column:1]`);
  }
  return value as Record<string, unknown>;
}

function describeJsonSyntaxError(body: string, error: Error): string {
  const index = syntaxErrorIndex(body, error.message);
  const before = body.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  const ch = body[index];
  if (ch === undefined) return `Unexpected end-of-input at [line:${line}, column:${column}]`;
  return `Unexpected character ('${ch}' (code ${ch.charCodeAt(0)})): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at [line:${line}, column:${column}]`;
}

/** V8 names either the position or the offending character; fall back to the end of input. */
function syntaxErrorIndex(body: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const token = /Unexpected token '?(.)'?/.exec(message);
  const index = token ? body.indexOf(token[1]) : -1;
  return index >= 0 ? index : body.length;
}
