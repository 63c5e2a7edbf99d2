// A SOQL subset: SELECT with relationship paths (Rel.Rel2.Field), child subqueries and COUNT(),
// WHERE with AND/OR/NOT, comparison operators, IN, LIKE and typed literals, ORDER BY, LIMIT and
// OFFSET. Errors carry Salesforce's codes and its "ERROR at Row:..:Column:.." messages.
import { SalesforceError } from './errors';
import { normalizeId } from './ids';
import {
  type ChildRelationship,
  type FieldDef,
  findChildRelationship,
  findField,
  findObject,
  findRelationship,
  type ObjectDef,
  requireObject,
} from './schema';
import { type RecordFields, recordUrl, restValue } from './values';

export interface RecordSource {
  list(type: string): RecordFields[];
  findLive(id: unknown): RecordFields | undefined;
}

export interface QueryResult {
  totalSize: number;
  done: true;
  records: Record<string, unknown>[];
}

/** Parses, checks against the schema and runs `soql`; `version` goes into each record's url. */
export function runQuery(soql: string, source: RecordSource, version: string): QueryResult {
  const ast = new Parser(soql).parseTopLevel();
  const query = new Binder(soql).bindTopLevel(ast);
  return new Executor(source, version).run(query, source.list(query.object.name));
}

// ---------------------------------------------------------------------------------------------
// Errors

function queryError(soql: string, offset: number, errorCode: string, detail: string): SalesforceError {
  const before = soql.slice(0, offset);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', offset);
  const line = soql.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const column = offset - lineStart + 1;
  return new SalesforceError(
    400,
    errorCode,
    `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${detail}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'symbol' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
  value?: string | number;
}

const KEYWORDS = new Set(
  'SELECT FROM WHERE AND OR NOT IN LIKE ORDER BY ASC DESC NULLS FIRST LAST LIMIT OFFSET TRUE FALSE NULL GROUP HAVING WITH FOR USING INCLUDES EXCLUDES'.split(
    ' ',
  ),
);

const LEXEMES: { kind: TokenKind; pattern: RegExp }[] = [
  { kind: 'datetime', pattern: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})/y },
  { kind: 'date', pattern: /\d{4}-\d{2}-\d{2}(?![\dT])/y },
  { kind: 'number', pattern: /[+-]?\d+(?:\.\d+)?/y },
  { kind: 'ident', pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y },
  { kind: 'symbol', pattern: /!=|<>|<=|>=|[=<>(),]/y },
];

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    if (/\s/.test(soql[i])) {
      i++;
      continue;
    }
    if (soql[i] === "'") {
      const token = readString(soql, i);
      tokens.push(token);
      i = token.offset + token.text.length;
      continue;
    }
    const token = readLexeme(soql, i);
    if (!token) throw queryError(soql, i, 'MALFORMED_QUERY', `unexpected token: '${soql[i]}'`);
    tokens.push(token);
    i += token.text.length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', offset: soql.length });
  return tokens;
}

function readLexeme(soql: string, offset: number): Token | undefined {
  for (const { kind, pattern } of LEXEMES) {
    pattern.lastIndex = offset;
    const match = pattern.exec(soql);
    if (!match) continue;
    const text = match[0];
    const value = kind === 'number' ? Number(text) : kind === 'datetime' ? normalizeDateTime(text) : text;
    return { kind, text, offset, value };
  }
  return undefined;
}

function normalizeDateTime(text: string): string {
  return new Date(Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))).toISOString();
}

/** Quoted strings with backslash escapes; `\%` and `\_` stay escaped for LIKE. */
function readString(soql: string, offset: number): Token {
  let value = '';
  let i = offset + 1;
  while (i < soql.length) {
    const ch = soql[i];
    if (ch === "'") return { kind: 'string', text: soql.slice(offset, i + 1), offset, value };
    if (ch === '\\' && i + 1 < soql.length) {
      const next = soql[i + 1];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
      value += escapes[next] ?? (next === '%' || next === '_' ? `\\${next}` : next);
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw queryError(soql, offset, 'MALFORMED_QUERY', `unexpected token: '<EOF>'`);
}

// ---------------------------------------------------------------------------------------------
// Syntax

interface FieldRef {
  path: string;
  offset: number;
}

type SelectAst =
  | { kind: 'field'; ref: FieldRef }
  | { kind: 'count'; offset: number }
  | { kind: 'subquery'; query: QueryAst };

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'IN' | 'NOT IN';

interface Literal {
  kind: 'string' | 'number' | 'boolean' | 'null' | 'date' | 'datetime';
  value: string | number | boolean | null;
  offset: number;
}

type ConditionAst =
  | { kind: 'and' | 'or'; terms: ConditionAst[] }
  | { kind: 'not'; term: ConditionAst }
  | { kind: 'compare'; ref: FieldRef; op: Operator; values: Literal[] };

interface OrderAst {
  ref: FieldRef;
  descending: boolean;
  nullsLast: boolean;
}

interface QueryAst {
  select: SelectAst[];
  from: { name: string; offset: number };
  where?: ConditionAst;
  orderBy: OrderAst[];
  limit?: number;
  offset?: number;
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly soql: string) {
    if (soql.trim() === '') throw new SalesforceError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    this.tokens = tokenize(soql);
  }

  parseTopLevel(): QueryAst {
    const query = this.parseQuery();
    this.expectKind('eof');
    return query;
  }

  private parseQuery(): QueryAst {
    this.expectKeyword('SELECT');
    const select = this.parseSelectList();
    this.expectKeyword('FROM');
    const fromToken = this.expectIdentifier();
    const query: QueryAst = { select, from: { name: fromToken.text, offset: fromToken.offset }, orderBy: [] };
    if (this.acceptKeyword('WHERE')) query.where = this.parseCondition();
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      query.orderBy = this.parseOrderBy();
    }
    if (this.acceptKeyword('LIMIT')) query.limit = this.expectInteger();
    if (this.acceptKeyword('OFFSET')) query.offset = this.expectInteger();
    return query;
  }

  private parseSelectList(): SelectAst[] {
    const items = [this.parseSelectItem()];
    while (this.acceptSymbol(',')) items.push(this.parseSelectItem());
    return items;
  }

  private parseSelectItem(): SelectAst {
    if (this.acceptSymbol('(')) {
      const query = this.parseQuery();
      this.expectSymbol(')');
      return { kind: 'subquery', query };
    }
    const token = this.expectIdentifier();
    if (token.text.toUpperCase() === 'COUNT' && this.acceptSymbol('(')) {
      this.expectSymbol(')');
      return { kind: 'count', offset: token.offset };
    }
    return { kind: 'field', ref: { path: token.text, offset: token.offset } };
  }

  /** AND and OR may not be mixed without parentheses, as in SOQL. */
  private parseCondition(): ConditionAst {
    const terms = [this.parseUnary()];
    let joiner: 'AND' | 'OR' | undefined;
    for (;;) {
      const token = this.peek();
      const word = token.kind === 'ident' ? token.text.toUpperCase() : '';
      if (word !== 'AND' && word !== 'OR') break;
      if (joiner && word !== joiner) throw this.unexpected(token);
      joiner = word;
      this.position++;
      terms.push(this.parseUnary());
    }
    if (!joiner) return terms[0];
    return { kind: joiner === 'AND' ? 'and' : 'or', terms };
  }

  private parseUnary(): ConditionAst {
    if (this.acceptKeyword('NOT')) return { kind: 'not', term: this.parseUnary() };
    if (this.acceptSymbol('(')) {
      const inner = this.parseCondition();
      this.expectSymbol(')');
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): ConditionAst {
    const fieldToken = this.expectIdentifier();
    const ref = { path: fieldToken.text, offset: fieldToken.offset };
    const op = this.parseOperator();
    if (op === 'IN' || op === 'NOT IN') {
      this.expectSymbol('(');
      const values = [this.parseLiteral()];
      while (this.acceptSymbol(',')) values.push(this.parseLiteral());
      this.expectSymbol(')');
      return { kind: 'compare', ref, op, values };
    }
    return { kind: 'compare', ref, op, values: [this.parseLiteral()] };
  }

  private parseOperator(): Operator {
    const token = this.next();
    if (token.kind === 'symbol' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(token.text)) {
      return token.text === '<>' ? '!=' : (token.text as Operator);
    }
    const word = token.kind === 'ident' ? token.text.toUpperCase() : '';
    if (word === 'LIKE' || word === 'IN') return word;
    if (word === 'NOT' && this.acceptKeyword('IN')) return 'NOT IN';
    throw this.unexpected(token);
  }

  private parseLiteral(): Literal {
    const token = this.next();
    const offset = token.offset;
    if (token.kind === 'string') return { kind: 'string', value: token.value as string, offset };
    if (token.kind === 'number') return { kind: 'number', value: token.value as number, offset };
    if (token.kind === 'date' || token.kind === 'datetime') {
      return { kind: token.kind, value: token.value as string, offset };
    }
    const word = token.kind === 'ident' ? token.text.toUpperCase() : '';
    if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE', offset };
    if (word === 'NULL') return { kind: 'null', value: null, offset };
    throw this.unexpected(token);
  }

  private parseOrderBy(): OrderAst[] {
    const items: OrderAst[] = [];
    do {
      const token = this.expectIdentifier();
      const descending = this.acceptKeyword('DESC');
      if (!descending) this.acceptKeyword('ASC');
      // Salesforce sorts nulls first ascending and last descending unless told otherwise.
      let nullsLast = descending;
      if (this.acceptKeyword('NULLS')) {
        if (this.acceptKeyword('LAST')) nullsLast = true;
        else {
          this.expectKeyword('FIRST');
          nullsLast = false;
        }
      }
      items.push({ ref: { path: token.text, offset: token.offset }, descending, nullsLast });
    } while (this.acceptSymbol(','));
    return items;
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (token.kind !== 'eof') this.position++;
    return token;
  }

  private unexpected(token: Token): SalesforceError {
    return queryError(this.soql, token.offset, 'MALFORMED_QUERY', `unexpected token: '${token.text}'`);
  }

  private acceptKeyword(word: string): boolean {
    const token = this.peek();
    if (token.kind !== 'ident' || token.text.toUpperCase() !== word) return false;
    this.position++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(this.peek());
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.text !== symbol) return false;
    this.position++;
    return true;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(this.peek());
  }

  private expectKind(kind: TokenKind): Token {
    const token = this.peek();
    if (token.kind !== kind) throw this.unexpected(token);
    return this.next();
  }

  private expectIdentifier(): Token {
    const token = this.peek();
    if (token.kind !== 'ident' || KEYWORDS.has(token.text.toUpperCase())) throw this.unexpected(token);
    return this.next();
  }

  private expectInteger(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !Number.isInteger(token.value) || (token.value as number) < 0) {
      throw this.unexpected(token);
    }
    this.position++;
    return token.value as number;
  }
}

// ---------------------------------------------------------------------------------------------
// Binding against the schema

interface BoundPath {
  /** Lookup fields followed from the queried object, in order. */
  relations: FieldDef[];
  field: FieldDef;
}

type BoundItem =
  | { kind: 'field'; path: BoundPath }
  | { kind: 'child'; relationship: ChildRelationship; query: BoundQuery };

type BoundCondition =
  | { kind: 'and' | 'or'; terms: BoundCondition[] }
  | { kind: 'not'; term: BoundCondition }
  | { kind: 'compare'; path: BoundPath; op: Operator; values: unknown[] };

interface BoundOrder {
  path: BoundPath;
  descending: boolean;
  nullsLast: boolean;
}

interface BoundQuery {
  object: ObjectDef;
  items: BoundItem[];
  countOnly: boolean;
  where?: BoundCondition;
  orderBy: BoundOrder[];
  limit?: number;
  offset?: number;
}

const CUSTOM_FIELD_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";

class Binder {
  constructor(private readonly soql: string) {}

  bindTopLevel(ast: QueryAst): BoundQuery {
    const object = findObject(ast.from.name);
    if (!object) {
      throw queryError(
        this.soql,
        ast.from.offset,
        'INVALID_TYPE',
        `sObject type '${ast.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return this.bindQuery(ast, object);
  }

  private bindQuery(ast: QueryAst, object: ObjectDef): BoundQuery {
    const countOnly = ast.select.some((item) => item.kind === 'count');
    if (countOnly && ast.select.length > 1) {
      const count = ast.select.find((item) => item.kind === 'count') as { offset: number };
      throw queryError(
        this.soql,
        count.offset,
        'MALFORMED_QUERY',
        'COUNT() must be the only element in the SELECT list.',
      );
    }
    const items = countOnly ? [] : this.bindSelect(ast.select, object);
    return {
      object,
      items,
      countOnly,
      where: ast.where && this.bindCondition(ast.where, object),
      orderBy: ast.orderBy.map((o) => ({ ...o, path: this.bindSortable(o.ref, object) })),
      limit: ast.limit,
      offset: ast.offset,
    };
  }

  private bindSelect(select: SelectAst[], object: ObjectDef): BoundItem[] {
    const seen = new Set<string>();
    const items: BoundItem[] = [];
    for (const item of select) {
      if (item.kind === 'subquery') {
        items.push(this.bindChild(item.query, object));
        continue;
      }
      if (item.kind !== 'field') continue;
      const path = this.resolvePath(item.ref, object);
      const key = [...path.relations.map((r) => r.name), path.field.name].join('.');
      if (seen.has(key)) {
        throw queryError(this.soql, item.ref.offset, 'MALFORMED_QUERY', `duplicate field selected: ${item.ref.path}`);
      }
      seen.add(key);
      items.push({ kind: 'field', path });
    }
    return items;
  }

  private bindChild(ast: QueryAst, parent: ObjectDef): BoundItem {
    const relationship = findChildRelationship(parent, ast.from.name);
    if (!relationship) {
      throw queryError(
        this.soql,
        ast.from.offset,
        'INVALID_TYPE',
        `Didn't understand relationship '${ast.from.name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return { kind: 'child', relationship, query: this.bindQuery(ast, requireObject(relationship.childObject)) };
  }

  private resolvePath(ref: FieldRef, root: ObjectDef): BoundPath {
    const parts = ref.path.split('.');
    const relations: FieldDef[] = [];
    let object = root;
    for (const part of parts.slice(0, -1)) {
      const relation = findRelationship(object, part);
      if (!relation?.referenceTo) {
        throw queryError(
          this.soql,
          ref.offset,
          'INVALID_FIELD',
          `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      relations.push(relation);
      object = requireObject(relation.referenceTo);
    }
    const name = parts[parts.length - 1];
    const field = findField(object, name);
    if (!field) {
      throw queryError(
        this.soql,
        ref.offset,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${object.name}'. ${CUSTOM_FIELD_HINT}`,
      );
    }
    return { relations, field };
  }

  private bindSortable(ref: FieldRef, object: ObjectDef): BoundPath {
    const path = this.resolvePath(ref, object);
    if (!path.field.filterable) {
      throw queryError(
        this.soql,
        ref.offset,
        'INVALID_FIELD',
        `field '${path.field.name}' can not be sorted in a query call`,
      );
    }
    return path;
  }

  private bindCondition(ast: ConditionAst, object: ObjectDef): BoundCondition {
    if (ast.kind === 'not') return { kind: 'not', term: this.bindCondition(ast.term, object) };
    if (ast.kind !== 'compare') {
      return { kind: ast.kind, terms: ast.terms.map((t) => this.bindCondition(t, object)) };
    }
    const path = this.resolvePath(ast.ref, object);
    if (!path.field.filterable) {
      throw queryError(
        this.soql,
        ast.ref.offset,
        'INVALID_FIELD',
        `field '${path.field.name}' can not be filtered in a query call`,
      );
    }
    if (ast.op === 'LIKE' && !isText(path.field)) {
      throw queryError(
        this.soql,
        ast.ref.offset,
        'INVALID_QUERY_FILTER_OPERATOR',
        `invalid operator on ${path.field.type} field: LIKE`,
      );
    }
    return { kind: 'compare', path, op: ast.op, values: ast.values.map((v) => this.bindLiteral(path.field, v)) };
  }

  /** Literals must match the field's type, e.g. dates and numbers unquoted, text quoted. */
  private bindLiteral(field: FieldDef, literal: Literal): unknown {
    if (literal.kind === 'null') return null;
    const fail = (type: string, quoted: boolean) =>
      queryError(
        this.soql,
        literal.offset,
        'INVALID_QUERY_FILTER_OPERATOR',
        `value of filter criterion for field '${field.name}' must be of type ${type} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      );
    if (field.type === 'id' || field.type === 'reference') {
      if (literal.kind !== 'string') throw fail('id', true);
      const id = normalizeId(literal.value);
      if (!id)
        throw queryError(
          this.soql,
          literal.offset,
          'INVALID_QUERY_FILTER_OPERATOR',
          `invalid ID field: ${literal.value}`,
        );
      return id;
    }
    if (isText(field)) {
      if (literal.kind !== 'string') throw fail('string', true);
      return literal.value;
    }
    const expected: Record<string, [Literal['kind'], string]> = {
      currency: ['number', 'double'],
      double: ['number', 'double'],
      boolean: ['boolean', 'boolean'],
      date: ['date', 'date'],
      datetime: ['datetime', 'dateTime'],
    };
    const [kind, typeName] = expected[field.type];
    if (literal.kind !== kind) throw fail(typeName, false);
    return literal.value;
  }
}

function isText(field: FieldDef): boolean {
  return field.type === 'string' || field.type === 'textarea' || field.type === 'picklist';
}

// ---------------------------------------------------------------------------------------------
// Execution

class Executor {
  constructor(
    private readonly source: RecordSource,
    private readonly version: string,
  ) {}

  run(query: BoundQuery, candidates: RecordFields[]): QueryResult {
    let rows = candidates.filter((r) => !query.where || this.matches(query.where, r));
    if (query.orderBy.length > 0) rows = [...rows].sort((a, b) => this.compareRows(query.orderBy, a, b));
    rows = rows.slice(query.offset ?? 0, query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit);
    if (query.countOnly) return { totalSize: rows.length, done: true, records: [] };
    return { totalSize: rows.length, done: true, records: rows.map((r) => this.project(query, r)) };
  }

  private valueAt(path: BoundPath, record: RecordFields): unknown {
    let current: RecordFields | undefined = record;
    for (const relation of path.relations) {
      current = this.source.findLive(current[relation.name]);
      if (!current) return null;
    }
    return current[path.field.name] ?? null;
  }

  private matches(condition: BoundCondition, record: RecordFields): boolean {
    switch (condition.kind) {
      case 'and':
        return condition.terms.every((t) => this.matches(t, record));
      case 'or':
        return condition.terms.some((t) => this.matches(t, record));
      case 'not':
        return !this.matches(condition.term, record);
      default:
        return compareWith(condition.op, condition.path.field, this.valueAt(condition.path, record), condition.values);
    }
  }

  private compareRows(orderBy: BoundOrder[], a: RecordFields, b: RecordFields): number {
    for (const order of orderBy) {
      const left = this.valueAt(order.path, a);
      const right = this.valueAt(order.path, b);
      if (left === null || right === null) {
        if (left === right) continue;
        return (left === null) === order.nullsLast ? 1 : -1;
      }
      const result = compareValues(order.path.field, left, right);
      if (result !== 0) return order.descending ? -result : result;
    }
    return 0;
  }

  /** Fields in SELECT order; lookups nest as objects with their own attributes, or null when empty. */
  private project(query: BoundQuery, record: RecordFields): Record<string, unknown> {
    const out: Record<string, unknown> = {
      attributes: { type: query.object.name, url: recordUrl(this.version, query.object.name, String(record.Id)) },
    };
    for (const item of query.items) {
      if (item.kind === 'field') this.projectPath(out, item.path, record);
      else out[item.relationship.name] = this.projectChildren(item.relationship, item.query, record);
    }
    return out;
  }

  private projectPath(out: Record<string, unknown>, path: BoundPath, record: RecordFields): void {
    let target = out;
    let current: RecordFields | undefined = record;
    for (const relation of path.relations) {
      const name = relation.relationshipName as string;
      current = current && this.source.findLive(current[relation.name]);
      if (!(name in target)) {
        const type = relation.referenceTo as string;
        target[name] = current
          ? { attributes: { type, url: recordUrl(this.version, type, String(current.Id)) } }
          : null;
      }
      if (target[name] === null) return;
      target = target[name] as Record<string, unknown>;
    }
    target[path.field.name] = restValue(path.field, current?.[path.field.name]);
  }

  private projectChildren(relationship: ChildRelationship, query: BoundQuery, parent: RecordFields) {
    const children = this.source.list(relationship.childObject).filter((c) => c[relationship.field] === parent.Id);
    const result = this.run(query, children);
    return result.totalSize > 0 ? result : null;
  }
}

function compareWith(op: Operator, field: FieldDef, actual: unknown, expected: unknown[]): boolean {
  const equals = (value: unknown) =>
    value === null || actual === null ? value === actual : compareValues(field, actual, value) === 0;
  switch (op) {
    case '=':
      return equals(expected[0]);
    case '!=':
      return !equals(expected[0]);
    case 'IN':
      return expected.some(equals);
    case 'NOT IN':
      return !expected.some(equals);
    case 'LIKE':
      return actual !== null && expected[0] !== null && likePattern(String(expected[0])).test(String(actual));
    default: {
      if (actual === null || expected[0] === null) return false;
      const result = compareValues(field, actual, expected[0]);
      if (op === '<') return result < 0;
      if (op === '<=') return result <= 0;
      if (op === '>') return result > 0;
      return result >= 0;
    }
  }
}

/** Text compares case-insensitively in SOQL; ids, numbers, dates and booleans by value. */
function compareValues(field: FieldDef, left: unknown, right: unknown): number {
  if (isText(field)) {
    const a = String(left).toLowerCase();
    const b = String(right).toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function likePattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      source += pattern[++i];
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}
