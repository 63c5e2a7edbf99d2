import { createHash } from 'node:crypto';

// The hub's own UUID namespace: name-based ids (RFC 9562 version 5) derived from business keys,
// so the same delivery or the same business transaction always gets the same id.
const HUB_NAMESPACE = Buffer.from('5b0c3e2a9f0d4c7e8a61d2f4b7c9e013', 'hex');

export function nameBasedId(name: string): string {
  const hash = createHash('sha1').update(HUB_NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
