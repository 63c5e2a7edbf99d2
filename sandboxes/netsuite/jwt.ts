// Just enough JWT for the client credentials flow, on node:crypto alone: decode a compact JWT,
// verify an RSA-PSS or ECDSA signature, and issue/verify the sandbox's own HMAC-signed tokens.
import {
  constants,
  createHmac,
  createPublicKey,
  type KeyObject,
  timingSafeEqual,
  verify,
  X509Certificate,
} from 'node:crypto';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/**
 * NetSuite's documented assertion algorithms. RS256 (PKCS#1 v1.5) is not among them any more,
 * so an assertion signed with it is refused like any other unsupported algorithm.
 */
const ASSERTION_ALGORITHMS: Record<string, { hash: string; kind: 'pss' | 'ecdsa' }> = {
  PS256: { hash: 'sha256', kind: 'pss' },
  PS384: { hash: 'sha384', kind: 'pss' },
  PS512: { hash: 'sha512', kind: 'pss' },
  ES256: { hash: 'sha256', kind: 'ecdsa' },
  ES384: { hash: 'sha384', kind: 'ecdsa' },
  ES512: { hash: 'sha512', kind: 'ecdsa' },
};

export const isSupportedAssertionAlgorithm = (alg: unknown): alg is string =>
  typeof alg === 'string' && Object.hasOwn(ASSERTION_ALGORITHMS, alg);

/** Returns undefined for anything that is not three base64url parts with JSON header and payload. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts;
  try {
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return {
      header,
      payload,
      signingInput: `${headerPart}.${payloadPart}`,
      signature: Buffer.from(signaturePart, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** False for a wrong signature and for a key that does not fit the algorithm. */
export function verifyAssertionSignature(jwt: DecodedJwt, alg: string, key: KeyObject): boolean {
  const spec = ASSERTION_ALGORITHMS[alg];
  if (!spec) return false;
  const data = Buffer.from(jwt.signingInput);
  try {
    if (spec.kind === 'pss') {
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
      return verify(
        spec.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        jwt.signature,
      );
    }
    if (key.asymmetricKeyType !== 'ec') return false;
    // JWS carries ECDSA signatures as raw r||s, not DER.
    return verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
  } catch {
    return false;
  }
}

/** NetSuite takes the certificate; a bare public key is accepted too for convenience. */
export function parsePublicKey(pem: string): KeyObject {
  if (pem.includes('BEGIN CERTIFICATE')) return new X509Certificate(pem).publicKey;
  return createPublicKey(pem);
}

export function signHmacJwt(payload: Record<string, unknown>, secret: string): string {
  const header = base64urlJson({ alg: 'HS256', typ: 'JWT', kid: 'sandbox.SYSTEM.1' });
  const body = base64urlJson(payload);
  return `${header}.${body}.${hmac(`${header}.${body}`, secret)}`;
}

/** The payload of a token this sandbox signed, or undefined when forged or malformed. */
export function verifyHmacJwt(token: string, secret: string): Record<string, unknown> | undefined {
  const jwt = decodeJwt(token);
  if (jwt?.header.alg !== 'HS256') return undefined;
  const expected = Buffer.from(hmac(jwt.signingInput, secret), 'base64url');
  if (expected.length !== jwt.signature.length || !timingSafeEqual(expected, jwt.signature)) return undefined;
  return jwt.payload;
}

const base64urlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hmac = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest('base64url');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
