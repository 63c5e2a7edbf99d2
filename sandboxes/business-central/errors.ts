// Business Central's error body: {"error":{"code","message"}}, the message ending in the
// correlation id support asks for.
import { randomUUID } from 'node:crypto';
import { json, type SandboxResponse } from '../http';

export function bcError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return json(status, { error: { code, message: `${message}  CorrelationId:  ${randomUUID()}.` } }, headers);
}

export const notFound = (what: string) => bcError(404, 'BadRequest_NotFound', `The ${what} does not exist.`);

export const invalidBody = () => bcError(400, 'BadRequest', 'Invalid Request Body');
