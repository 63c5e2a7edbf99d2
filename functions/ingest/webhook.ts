// What every webhook receiver shares: the request and response shapes it works with (free of
// API Gateway types) and constant-time secret comparison.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface WebhookRequest {
  body: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
}

export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Compares digests so neither content nor length of the secret leaks through timing. */
export function secretsMatch(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
