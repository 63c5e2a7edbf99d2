// Credentials of connected systems, from Secrets Manager. What goes wrong here is classified
// like any vendor answer: Secrets Manager being unreachable is retried, a secret that is missing,
// not readable by the function or not in the documented shape is CONNECTION_REJECTED, naming the
// secret and the keys, since an operator has to fix it.
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { z } from 'zod';
import { BusinessException, UnavailableError } from '../domain/errors';

// Secrets are cached for five minutes: rotation reaches warm functions without a redeploy.
const CACHE_SECONDS = 300;

/** Secrets Manager answers that an operator, not a retry, has to fix. */
const SETUP_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
]);

/**
 * Reads a JSON secret by ARN and checks its shape; a malformed secret names the missing keys.
 * `fresh` skips the cache: for a credential the system has just refused, which an operator may
 * have replaced since it was cached.
 */
export async function readJsonSecret<T>(
  secretId: string,
  schema: z.ZodType<T>,
  { fresh = false }: { fresh?: boolean } = {},
): Promise<T> {
  let raw: unknown;
  try {
    raw = await getSecret(secretId, { maxAge: CACHE_SECONDS, transform: 'json', forceFetch: fresh });
  } catch (error) {
    throw classify(error, secretId);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.path.join('.') || issue.message).join(', ');
    throw new BusinessException(
      'CONNECTION_REJECTED',
      `Secret ${secretId} does not have the expected JSON keys (${problems}); put the JSON the README shows for this system.`,
    );
  }
  return parsed.data;
}

function classify(error: unknown, secretId: string): Error {
  const failure = error as Error & { cause?: Error };
  const name = failure.cause?.name ?? failure.name;
  if (failure.name === 'TransformParameterError') {
    return new BusinessException('CONNECTION_REJECTED', `Secret ${secretId} does not hold JSON.`, { cause: error });
  }
  if (SETUP_ERRORS.has(name)) {
    return new BusinessException(
      'CONNECTION_REJECTED',
      `Secret ${secretId} cannot be read (${name}): check that it exists and that the function's role may read it.`,
      { cause: error },
    );
  }
  return new UnavailableError(`Secrets Manager did not return secret ${secretId} (${name})`, { cause: error });
}
