// Salesforce record ids: a 3-char key prefix naming the object, a pod and reserved part, a base-62
// counter, and (in the 18-char form) a 3-char suffix that encodes the case of the first 15 chars so
// that case-insensitive systems can still tell ids apart.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The pod and reserved character every id this sandbox mints carries after the key prefix. */
const POD = '5g0';

export const KEY_PREFIXES = {
  Account: '001',
  Opportunity: '006',
  Product2: '01t',
  Pricebook2: '01s',
  PricebookEntry: '01u',
  OpportunityLineItem: '00k',
  OutboundNotification: '04l',
  WorkflowAction: '04k',
  User: '005',
} as const;

/** Each 5-char chunk contributes one suffix char whose bits flag the chunk's upper-case letters. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

export function to18(id15: string): string {
  return id15 + caseSafeSuffix(id15);
}

/**
 * The canonical 18-char form of a 15- or 18-char id, or undefined when `raw` is not an id. An
 * 18-char id whose suffix disagrees with its first 15 chars is rejected, as Salesforce does.
 */
export function normalizeId(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !ID_PATTERN.test(raw)) return undefined;
  const id18 = to18(raw.slice(0, 15));
  if (raw.length === 18 && raw.slice(15).toUpperCase() !== id18.slice(15)) return undefined;
  return id18;
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

function base62(value: number, width: number): string {
  let out = '';
  let rest = Math.floor(value);
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/** Ids for the seeded demo data, stable across restarts so demos and docs can name them. */
export function seedId(prefix: string, index: number): string {
  return to18(`${prefix}${POD}SEED${String(index).padStart(5, '0')}`);
}

/** A stable id derived from a string, e.g. the workflow action id from the org id. */
export function derivedId(prefix: string, source: string): string {
  let hash = 0;
  for (const ch of source) hash = (hash * 31 + ch.charCodeAt(0)) % 62 ** 6;
  return to18(`${prefix}${POD}000${base62(hash, 6)}`);
}

/**
 * Mints ids from per-prefix counters that start at the current time in ms, so ids stay unique
 * across restarts even without a state file (the hub de-duplicates on notification ids).
 */
export class IdGenerator {
  private readonly counters: Record<string, number>;

  constructor(saved: Record<string, number> = {}) {
    this.counters = { ...saved };
  }

  next(prefix: string): string {
    const counter = Math.max((this.counters[prefix] ?? 0) + 1, Date.now());
    this.counters[prefix] = counter;
    return to18(`${prefix}${POD}${base62(counter, 9)}`);
  }

  snapshot(): Record<string, number> {
    return { ...this.counters };
  }
}
