// Reading OData v2 request bodies as Gateway does: JSON only here, an object, properties the
// entity type declares, strings where the type says Edm.String.
import { header } from './auth';
import type { ServiceRequest } from './context';
import { malformedRequest, RequestRejected, sapError } from './errors';
import { isObject, type Json } from './odata';

export function readBody(request: ServiceRequest): Json {
  const contentType = header(request.req, 'content-type') ?? '';
  if (!contentType.toLowerCase().includes('json')) {
    throw new RequestRejected(
      sapError(
        415,
        request.service,
        '/IWBEP/CM_MGW_RT/004',
        `Content type '${contentType}' not supported; the sandbox reads JSON`,
      ),
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(request.req.body);
  } catch {
    throw new RequestRejected(malformedRequest(request.service));
  }
  if (!isObject(body)) throw new RequestRejected(malformedRequest(request.service, 'the body must be a JSON object'));
  return body;
}

export function unknownProperties(request: ServiceRequest, body: Json, known: Set<string>): void {
  const unknown = Object.keys(body).find((key) => key !== '__metadata' && !known.has(key));
  if (unknown) {
    throw new RequestRejected(
      sapError(400, request.service, '/IWBEP/CM_MGW_RT/022', `Property '${unknown}' is invalid`),
    );
  }
}

export function stringField(request: ServiceRequest, body: Json, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new RequestRejected(malformedRequest(request.service, `property '${key}' must be an Edm.String`));
  }
  return value;
}
