// EventBridge event-pattern matcher for the local EventBridge stand-in.
//
// Written from AWS's documentation of event patterns, not from any implementation:
//   - "Amazon EventBridge event patterns" / "Creating event patterns"  (eb-event-patterns, eb-create-pattern)
//   - "Content filtering in Amazon EventBridge event patterns" / "Comparison operators for use in event
//     patterns"  (eb-event-patterns-content-based-filtering, eb-create-pattern-operators)
//   - "Arrays in Amazon EventBridge event patterns"  (eb-event-patterns-arrays)
//   - "Matching events on null values and empty strings"  (eb-event-patterns-null-values)
//   - "Best practices when defining Amazon EventBridge event patterns"  (eb-patterns-best-practices)
//
// How it works: like EventBridge, a pattern is compiled once into field paths joined with "." (so
// {"detail": {"a.b": [..]}} and {"detail.a": {"b": [..]}} are the same pattern, as the docs note), each path
// carrying the OR of the values and operators in its array; fields are ANDed and `$or` adds groups of
// alternative sub-patterns. Matching resolves only the pattern's paths in the event (an event key may itself
// contain dots), so its cost follows the pattern, not the event, and nothing about the event is cached. A
// leaf is a string, number, boolean or null; objects and arrays are not leaves, arrays are searched element by
// element, and an empty array or object holds no leaf.
//
// Behaviour the docs leave open (chosen here, see the test file for the table of each):
//   - exact numbers compare by value (JSON-parsed events cannot tell 300 from 3.0e2);
//   - values matched for different fields under the same array must come from the same array element
//     (array consistency), so {"items": {"sku": ["A"], "qty": [2]}} needs one item with both;
//   - `exists: false` holds only when the path has no leaf anywhere in the event;
//   - `anything-but` needs the field to be present; any present leaf of another type (number vs string,
//     null, boolean) is "anything but" the listed values.

/** Thrown for patterns AWS would reject with InvalidEventPatternException; message says what is wrong. */
export class InvalidEventPatternError extends Error {
  override name = 'InvalidEventPatternError';
  /** The reason alone, without the "Event pattern is not valid" preamble. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.reason = reason;
  }
}

/** A validated, compiled pattern: build it once with {@link parseEventPattern}, match it against many events. */
export interface EventPattern {
  /** The pattern as plain JSON, as PutRule would store it (also what `JSON.stringify` of this object gives). */
  readonly json: Readonly<Record<string, unknown>>;
  /** Same as `matchesEventPattern(this, event)`. */
  matches(event: unknown): boolean;
}

/** Documented limit for numeric matching: values between -5.0e9 and +5.0e9 inclusive. */
export const NUMERIC_MATCH_LIMIT = 5e9;

type Scalar = string | number | boolean | null;
type Json = Scalar | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Array membership of a leaf: pairs of (array, element index), outermost array first. */
type Trail = readonly unknown[];

interface LeafMatcher {
  strings: Set<string>;
  numbers: Set<number>;
  matchTrue: boolean;
  matchFalse: boolean;
  matchNull: boolean;
  existsTrue: boolean;
  existsFalse: boolean;
  tests: Array<(value: Scalar) => boolean>;
}

interface LeafRequirement {
  /** Index into the per-match candidate cache. */
  id: number;
  path: string;
  /** `path` split on "."; an event key may span several segments. */
  segments: string[];
  matcher: LeafMatcher;
}

/** A conjunction: every leaf requirement holds and, for each `$or` group, at least one alternative does. */
interface Conjunction {
  leaves: LeafRequirement[];
  ors: Conjunction[][];
  /** `leaves` then `ors`, the work list for {@link solve}. */
  pending: Pending[];
}

/** One step of the search: a leaf requirement, or a `$or` group to pick an alternative from. */
type Pending = LeafRequirement | Conjunction[];

/**
 * Where one requirement can be met in an event: `true` when by a leaf outside every array (or, for
 * `exists: false`, by absence), otherwise the trails of the accepting leaves (none: not met).
 */
type Candidates = true | Trail[];

interface Matching {
  event: JsonObject;
  candidates: Array<Candidates | undefined>;
  /** Some requirement can only be met inside arrays, so array consistency may matter. */
  inArrays: boolean;
}

const EMPTY_TRAIL: Trail = Object.freeze([]);
const NO_FIELDS: JsonObject = Object.freeze({});

class CompiledEventPattern implements EventPattern {
  readonly json: Readonly<Record<string, unknown>>;
  readonly #root: Conjunction;
  readonly #requirements: number;

  constructor(json: JsonObject, root: Conjunction, requirements: number) {
    this.json = json;
    this.#root = root;
    this.#requirements = requirements;
  }

  matches(event: unknown): boolean {
    const matching: Matching = {
      event: isObject(event) ? event : NO_FIELDS,
      candidates: new Array(this.#requirements),
      inArrays: false,
    };
    if (!satisfiable(this.#root, matching)) return false;
    return !matching.inArrays || solve(this.#root.pending, 0, [], matching);
  }

  toJSON(): Readonly<Record<string, unknown>> {
    return this.json;
  }
}

/** Validates a pattern (object or JSON string) as PutRule/TestEventPattern would; returns the parsed pattern. */
export function parseEventPattern(pattern: string | object): EventPattern {
  if (pattern instanceof CompiledEventPattern) return pattern;
  let json: unknown;
  if (typeof pattern === 'string') {
    try {
      json = JSON.parse(pattern);
    } catch (error) {
      throw new InvalidEventPatternError(`the pattern is not valid JSON (${(error as Error).message})`);
    }
  } else {
    // PutRule only ever sees JSON text: round-trip so an object pattern is validated exactly as its JSON.
    let text: string | undefined;
    try {
      text = JSON.stringify(pattern);
    } catch (error) {
      throw new InvalidEventPatternError(`the pattern cannot be written as JSON (${(error as Error).message})`);
    }
    json = text === undefined ? undefined : JSON.parse(text);
  }
  if (!isObject(json)) {
    throw new InvalidEventPatternError(`the pattern must be a JSON object, not ${describe(json)}`);
  }
  const counter = { next: 0 };
  const root = compileObject(json, '', counter);
  return new CompiledEventPattern(deepFreeze(json), root, counter.next);
}

/** True when `event` (a full EventBridge event: version, id, detail-type, source, account, time, region, resources, detail) matches. */
export function matchesEventPattern(pattern: EventPattern | string | object, event: unknown): boolean {
  return parseEventPattern(pattern).matches(event);
}

// ---------------------------------------------------------------------------------------------------------
// Compiling patterns

function compileObject(pattern: JsonObject, prefix: string, counter: { next: number }): Conjunction {
  const leaves = new Map<string, LeafRequirement>();
  const ors: Conjunction[][] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      ors.push(compileOr(value, prefix, counter));
      continue;
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      // "If you include a key more than once the last reference will be the one used."
      leaves.delete(path);
      leaves.set(path, { id: counter.next++, path, segments: path.split('.'), matcher: compileLeaf(value, path) });
    } else if (isObject(value)) {
      const nested = compileObject(value, path, counter);
      for (const leaf of nested.leaves) {
        leaves.delete(leaf.path);
        leaves.set(leaf.path, leaf);
      }
      ors.push(...nested.ors);
    } else {
      throw new InvalidEventPatternError(`"${path}" must be an object or an array, not ${describe(value)}`);
    }
  }
  const leafList = [...leaves.values()];
  return { leaves: leafList, ors, pending: [...leafList, ...ors] };
}

function compileOr(value: Json, prefix: string, counter: { next: number }): Conjunction[] {
  const where = prefix ? `"$or" in "${prefix}"` : '"$or"';
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidEventPatternError(`${where} must be an array of at least 2 sub-patterns`);
  }
  return value.map((alternative, index) => {
    if (!isObject(alternative)) {
      throw new InvalidEventPatternError(`${where} element ${index} must be an object, not ${describe(alternative)}`);
    }
    return compileObject(alternative, prefix, counter);
  });
}

function compileLeaf(values: Json[], path: string): LeafMatcher {
  if (values.length === 0) {
    throw new InvalidEventPatternError(`"${path}" is an empty array; empty arrays are not allowed`);
  }
  const matcher: LeafMatcher = {
    strings: new Set(),
    numbers: new Set(),
    matchTrue: false,
    matchFalse: false,
    matchNull: false,
    existsTrue: false,
    existsFalse: false,
    tests: [],
  };
  for (const value of values) {
    if (typeof value === 'string') matcher.strings.add(value);
    else if (typeof value === 'number') matcher.numbers.add(value);
    else if (value === true) matcher.matchTrue = true;
    else if (value === false) matcher.matchFalse = true;
    else if (value === null) matcher.matchNull = true;
    else if (Array.isArray(value)) {
      throw new InvalidEventPatternError(
        `"${path}" contains a nested array; match values must be strings, numbers, true, false, null or an operator object`,
      );
    } else compileOperator(value, path, matcher);
  }
  return matcher;
}

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];

function compileOperator(operator: JsonObject, path: string, matcher: LeafMatcher): void {
  const keys = Object.keys(operator);
  if (keys.length !== 1) {
    throw new InvalidEventPatternError(
      `an operator object in "${path}" must have exactly one key (one of ${OPERATORS.join(', ')}), found ${keys.length}`,
    );
  }
  const name = keys[0];
  const operand = operator[name];
  const where = `"${name}" in "${path}"`;
  switch (name) {
    case 'prefix': {
      const { text, ignoreCase } = affixOperand(operand, where);
      matcher.tests.push(
        ignoreCase
          ? (v) => typeof v === 'string' && v.toLowerCase().startsWith(text)
          : (v) => typeof v === 'string' && v.startsWith(text),
      );
      return;
    }
    case 'suffix': {
      const { text, ignoreCase } = affixOperand(operand, where);
      matcher.tests.push(
        ignoreCase
          ? (v) => typeof v === 'string' && v.toLowerCase().endsWith(text)
          : (v) => typeof v === 'string' && v.endsWith(text),
      );
      return;
    }
    case 'equals-ignore-case': {
      const lower = stringOperand(operand, where).toLowerCase();
      matcher.tests.push((v) => typeof v === 'string' && v.toLowerCase() === lower);
      return;
    }
    case 'wildcard': {
      const test = compileWildcard(stringOperand(operand, where), where);
      matcher.tests.push((v) => typeof v === 'string' && test(v));
      return;
    }
    case 'anything-but':
      matcher.tests.push(compileAnythingBut(operand, where));
      return;
    case 'numeric': {
      const test = compileNumeric(operand, where);
      matcher.tests.push((v) => typeof v === 'number' && test(v));
      return;
    }
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidEventPatternError(`${where} must be true or false, not ${describe(operand)}`);
      }
      if (operand) matcher.existsTrue = true;
      else matcher.existsFalse = true;
      return;
    case 'cidr': {
      const test = compileCidr(operand, where);
      matcher.tests.push((v) => typeof v === 'string' && test(v));
      return;
    }
    default:
      throw new InvalidEventPatternError(
        `unrecognized operator "${name}" in "${path}"; supported operators are ${OPERATORS.join(', ')}`,
      );
  }
}

function stringOperand(operand: Json, where: string): string {
  if (typeof operand !== 'string') {
    throw new InvalidEventPatternError(`${where} must be a string, not ${describe(operand)}`);
  }
  return operand;
}

/** `prefix`/`suffix` take a string, or `{"equals-ignore-case": string}` to ignore case. */
function affixOperand(operand: Json, where: string): { text: string; ignoreCase: boolean } {
  if (typeof operand === 'string') return { text: operand, ignoreCase: false };
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1 && keys[0] === 'equals-ignore-case') {
      const text = stringOperand(operand['equals-ignore-case'], `"equals-ignore-case" within ${where}`);
      return { text: text.toLowerCase(), ignoreCase: true };
    }
  }
  throw new InvalidEventPatternError(
    `${where} must be a string or {"equals-ignore-case": string}, not ${describe(operand)}`,
  );
}

function compileAnythingBut(operand: Json, where: string): (value: Scalar) => boolean {
  if (typeof operand === 'string' || typeof operand === 'number') {
    return (v) => v !== operand;
  }
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new InvalidEventPatternError(`${where} must not be an empty array`);
    if (operand.every((x) => typeof x === 'string')) {
      const excluded = new Set<string>(operand as string[]);
      return (v) => typeof v !== 'string' || !excluded.has(v);
    }
    if (operand.every((x) => typeof x === 'number')) {
      const excluded = new Set<number>(operand as number[]);
      return (v) => typeof v !== 'number' || !excluded.has(v);
    }
    throw new InvalidEventPatternError(`${where} must list only strings or only numbers`);
  }
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    const inner = keys[0];
    const value = operand[inner];
    const innerWhere = `"${inner}" within ${where}`;
    if (keys.length === 1) {
      switch (inner) {
        case 'prefix': {
          const text = stringOperand(value, innerWhere);
          return (v) => typeof v !== 'string' || !v.startsWith(text);
        }
        case 'suffix': {
          const text = stringOperand(value, innerWhere);
          return (v) => typeof v !== 'string' || !v.endsWith(text);
        }
        case 'equals-ignore-case': {
          const excluded = new Set(stringOrStrings(value, innerWhere).map((s) => s.toLowerCase()));
          return (v) => typeof v !== 'string' || !excluded.has(v.toLowerCase());
        }
        case 'wildcard': {
          const tests = stringOrStrings(value, innerWhere).map((s) => compileWildcard(s, innerWhere));
          return (v) => typeof v !== 'string' || !tests.some((test) => test(v));
        }
      }
    }
    throw new InvalidEventPatternError(
      `${where} takes an object with exactly one of prefix, suffix, equals-ignore-case, wildcard`,
    );
  }
  throw new InvalidEventPatternError(
    `${where} must be a string, a number, a list of strings or of numbers, or an object, not ${describe(operand)}`,
  );
}

function stringOrStrings(operand: Json, where: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every((x) => typeof x === 'string')) {
    return operand as string[];
  }
  throw new InvalidEventPatternError(`${where} must be a string or a non-empty list of strings`);
}

/**
 * `*` matches any run of characters (including none). `\*` is a literal `*` and `\\` a literal `\`; escaping any
 * other character is an error, as are consecutive wildcards (`**`).
 */
function compileWildcard(pattern: string, where: string): (value: string) => boolean {
  const parts: string[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(
          `${where} has an invalid escape at position ${i}; only \\* and \\\\ may be escaped`,
        );
      }
      literal += next;
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        throw new InvalidEventPatternError(`${where} has consecutive wildcard characters at position ${i}`);
      }
      parts.push(literal);
      literal = '';
    } else {
      literal += c;
    }
  }
  parts.push(literal);
  if (parts.length === 1) return (value) => value === literal;
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const minLength = parts.reduce((n, p) => n + p.length, 0);
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let from = first.length;
    const end = value.length - last.length;
    for (const part of middle) {
      const at = value.indexOf(part, from);
      if (at < 0 || at + part.length > end) return false;
      from = at + part.length;
    }
    return true;
  };
}

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

/** `[op, n]` or a range `[lower-op, n, upper-op, m]`; operators =, <, <=, >, >=; numbers within ±5.0e9. */
function compileNumeric(operand: Json, where: string): (value: number) => boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidEventPatternError(
      `${where} must be an array [operator, number] or [operator, number, operator, number]`,
    );
  }
  const conditions: Array<[string, number]> = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const n = operand[i + 1];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op)) {
      throw new InvalidEventPatternError(`${where} has unknown operator ${describe(op)}; use =, <, <=, > or >=`);
    }
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw new InvalidEventPatternError(`${where} needs a number after "${op}", not ${describe(n)}`);
    }
    if (Math.abs(n) > NUMERIC_MATCH_LIMIT) {
      throw new InvalidEventPatternError(`${where} value ${n} is outside the supported range -5.0e9 to +5.0e9`);
    }
    conditions.push([op, n]);
  }
  if (conditions.length === 2) {
    const [[op1, n1], [op2, n2]] = conditions;
    const lower = LOWER_BOUNDS.has(op1) ? conditions[0] : conditions[1];
    const upper = UPPER_BOUNDS.has(op2) ? conditions[1] : conditions[0];
    const isRange =
      (LOWER_BOUNDS.has(op1) && UPPER_BOUNDS.has(op2)) || (UPPER_BOUNDS.has(op1) && LOWER_BOUNDS.has(op2));
    if (!isRange) {
      throw new InvalidEventPatternError(
        `${where} range needs one lower bound (> or >=) and one upper bound (< or <=), got "${op1}" and "${op2}"`,
      );
    }
    const empty = lower[1] > upper[1] || (lower[1] === upper[1] && (lower[0] === '>' || upper[0] === '<'));
    if (empty) {
      throw new InvalidEventPatternError(`${where} range ${op1} ${n1}, ${op2} ${n2} is empty`);
    }
  }
  return (value) => {
    if (Math.abs(value) > NUMERIC_MATCH_LIMIT) return false;
    for (const [op, n] of conditions) {
      if (!compare(op, value, n)) return false;
    }
    return true;
  };
}

function compare(op: string, value: number, n: number): boolean {
  switch (op) {
    case '=':
      return value === n;
    case '<':
      return value < n;
    case '<=':
      return value <= n;
    case '>':
      return value > n;
    default:
      return value >= n;
  }
}

interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

/** `address/prefix-length` for IPv4 (0-32) or IPv6 (0-128). */
function compileCidr(operand: Json, where: string): (value: string) => boolean {
  const text = stringOperand(operand, where);
  const slash = text.indexOf('/');
  const address = slash < 0 ? null : parseIp(text.slice(0, slash));
  const lengthText = slash < 0 ? '' : text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(lengthText)) {
    throw new InvalidEventPatternError(`${where} "${text}" is not a CIDR block like 10.0.0.0/24 or 2001:db8::/32`);
  }
  const bits = address.version === 4 ? 32 : 128;
  const length = Number(lengthText);
  if (length > bits) {
    throw new InvalidEventPatternError(`${where} "${text}" has a prefix length above ${bits}`);
  }
  const shift = BigInt(bits - length);
  const network = address.value >> shift;
  return (value) => {
    const ip = parseIp(value);
    return ip !== null && ip.version === address.version && ip.value >> shift === network;
  };
}

function parseIp(text: string): IpAddress | null {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === null ? null : { version: 6, value };
  }
  const value = parseIpv4(text);
  return value === null ? null : { version: 4, value: BigInt(value) };
}

function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  const head = parseIpv6Groups(halves[0], !compressed);
  const tail = compressed ? parseIpv6Groups(halves[1], true) : [];
  if (!head || !tail) return null;
  const count = head.length + tail.length;
  if (compressed ? count > 7 : count !== 8) return null;
  let value = 0n;
  for (const word of [...head, ...new Array<number>(8 - count).fill(0), ...tail]) {
    value = (value << 16n) | BigInt(word);
  }
  return value;
}

/** 16-bit words of colon-separated hex groups; the last group may be a dotted IPv4 address (two words). */
function parseIpv6Groups(text: string, ipv4Last: boolean): number[] | null {
  if (text === '') return [];
  const groups = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i];
    if (ipv4Last && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIpv4(group);
      if (v4 === null) return null;
      words.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      words.push(Number.parseInt(group, 16));
    } else {
      return null;
    }
  }
  return words;
}

// ---------------------------------------------------------------------------------------------------------
// Matching

/**
 * Collects the leaves at `segments[index..]` below `value`. Keys are joined with ".", so at each object every
 * run of the remaining segments is tried as a key ({"a": {"b": 1}} and {"a.b": 1} both hold a leaf at a.b).
 */
function collect(value: unknown, segments: string[], index: number, trail: Trail, out: Array<[Scalar, Trail]>): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collect(value[i], segments, index, [...trail, value, i], out);
    return;
  }
  if (index === segments.length) {
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      out.push([value, trail]);
    }
    // Objects are not leaves; undefined and other non-JSON values count as absent, as after JSON.stringify.
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  let key = segments[index];
  for (let end = index + 1; end <= segments.length; end++) {
    if (end > index + 1) key += `.${segments[end - 1]}`;
    if (Object.hasOwn(value, key)) collect((value as Record<string, unknown>)[key], segments, end, trail, out);
  }
}

function candidatesFor(requirement: LeafRequirement, matching: Matching): Candidates {
  const cached = matching.candidates[requirement.id];
  if (cached !== undefined) return cached;
  const leaves: Array<[Scalar, Trail]> = [];
  collect(matching.event, requirement.segments, 0, EMPTY_TRAIL, leaves);
  let result: Candidates;
  if (leaves.length === 0) {
    result = requirement.matcher.existsFalse ? true : [];
  } else {
    const trails: Trail[] = [];
    result = trails;
    for (const [value, trail] of leaves) {
      if (!accepts(requirement.matcher, value)) continue;
      if (trail.length === 0) {
        result = true;
        break;
      }
      trails.push(trail);
    }
    if (result !== true && trails.length > 0) matching.inArrays = true;
  }
  matching.candidates[requirement.id] = result;
  return result;
}

function accepts(matcher: LeafMatcher, value: Scalar): boolean {
  if (matcher.existsTrue) return true;
  switch (typeof value) {
    case 'string':
      if (matcher.strings.has(value)) return true;
      break;
    case 'number':
      if (matcher.numbers.has(value)) return true;
      break;
    case 'boolean':
      if (value ? matcher.matchTrue : matcher.matchFalse) return true;
      break;
    default:
      if (matcher.matchNull) return true;
  }
  for (const test of matcher.tests) {
    if (test(value)) return true;
  }
  return false;
}

/** Matches ignoring array consistency: exact unless a requirement is met only inside arrays. */
function satisfiable(conjunction: Conjunction, matching: Matching): boolean {
  for (const leaf of conjunction.leaves) {
    const candidates = candidatesFor(leaf, matching);
    if (candidates !== true && candidates.length === 0) return false;
  }
  for (const group of conjunction.ors) {
    if (!group.some((alternative) => satisfiable(alternative, matching))) return false;
  }
  return true;
}

/** Two leaves are consistent unless they sit in different elements of the same array. */
function consistent(a: Trail, b: Trail): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 2) {
    if (a[i] !== b[i]) return true;
    if (a[i + 1] !== b[i + 1]) return false;
  }
  return true;
}

/** Backtracking search for one witness leaf per requirement such that all witnesses are array-consistent. */
function solve(pending: Pending[], index: number, chosen: Trail[], matching: Matching): boolean {
  if (index === pending.length) return true;
  const item = pending[index];
  if (Array.isArray(item)) {
    const rest = pending.slice(index + 1);
    for (const alternative of item) {
      const next = rest.length === 0 ? alternative.pending : [...alternative.pending, ...rest];
      if (solve(next, 0, chosen, matching)) return true;
    }
    return false;
  }
  const candidates = candidatesFor(item, matching);
  // Met outside every array (or by absence): constrains nothing.
  if (candidates === true) return solve(pending, index + 1, chosen, matching);
  for (const trail of candidates) {
    if (!chosen.every((other) => consistent(trail, other))) continue;
    chosen.push(trail);
    const found = solve(pending, index + 1, chosen, matching);
    chosen.pop();
    if (found) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return `the ${typeof value} ${String(value)}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
