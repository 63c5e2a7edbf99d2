// The ORM methods the sandbox serves (search_read, read, create, write) over its tables, with the
// business rules of the models the hub uses: partner names and references, the sales warning that
// blocks a customer, products that cannot be sold, order numbering and amounts.

import { missingError, notFound, OdooException, userError, validationError, valueError } from './errors';
import { displayName, type FieldSpec, MODELS, type OdooRecord, odooDatetime } from './model';
import type { OdooStore, OdooUser } from './store';

export type Kwargs = Record<string, unknown>;

export interface CallContext {
  store: OdooStore;
  user: OdooUser;
}

/** The Odoo methods by name; anything else is refused as not found. */
const METHODS: Record<string, (ctx: CallContext, model: string, kwargs: Kwargs) => unknown> = {
  search_read: (ctx, model, kwargs) => {
    const domain = kwargs.domain ?? [];
    const fields = fieldList(model, kwargs.fields);
    const offset = optionalInteger(kwargs.offset, 'offset') ?? 0;
    const limit = optionalInteger(kwargs.limit, 'limit');
    const found = search(ctx, model, domain).slice(offset, limit === undefined ? undefined : offset + limit);
    return found.map((record) => render(ctx, model, record, fields));
  },
  search_count: (ctx, model, kwargs) => search(ctx, model, kwargs.domain ?? []).length,
  read: (ctx, model, kwargs) => {
    const ids = idList(kwargs.ids);
    const fields = fieldList(model, kwargs.fields);
    const records = ids.map((id) => ctx.store.find(model, id));
    const missing = ids.filter((_, i) => !records[i]);
    if (missing.length > 0) throw missingError(model, missing, ctx.user.uid);
    return records.map((record) => render(ctx, model, record as OdooRecord, fields));
  },
  create: (ctx, model, kwargs) => {
    const list = kwargs.vals_list;
    if (!Array.isArray(list) || list.length === 0 || list.some((v) => !isObject(v))) {
      throw valueError('vals_list must be a non-empty list of dictionaries');
    }
    // Checked in full before anything is written: one refused record creates none.
    const prepared = (list as Kwargs[]).map((vals) => prepareCreate(ctx, model, vals));
    return prepared.map((commit) => commit());
  },
  write: (ctx, model, kwargs) => {
    const ids = idList(kwargs.ids);
    if (!isObject(kwargs.vals)) throw valueError('vals must be a dictionary');
    const records = ids.map((id) => ctx.store.find(model, id));
    const missing = ids.filter((_, i) => !records[i]);
    if (missing.length > 0) throw missingError(model, missing, ctx.user.uid);
    const vals = checkVals(ctx, model, kwargs.vals as Kwargs);
    if (model === 'res.partner') checkPartner({ ...(records[0] as OdooRecord), ...vals });
    for (const record of records as OdooRecord[]) Object.assign(record, vals);
    ctx.store.changed();
    return true;
  },
};

export function callMethod(ctx: CallContext, model: string, method: string, kwargs: Kwargs): unknown {
  if (!MODELS[model]) throw notFound(`Model '${model}' does not exist.`);
  const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!handler) throw notFound(`The method '${method}' does not exist on the model '${model}'.`);
  if (!ctx.user.salesRights && model !== 'res.country' && model !== 'res.currency') {
    throw accessError(ctx, model, method);
  }
  return handler(ctx, model, kwargs);
}

function accessError(ctx: CallContext, model: string, method: string): OdooException {
  const operation = method === 'create' || method === 'write' ? method : 'read';
  return new OdooException(
    'odoo.exceptions.AccessError',
    `You are not allowed to ${operation} '${model}' records.\n\nThis operation is allowed for the following groups:\n\t- Sales/User: Own Documents Only\n\nContact your administrator to request access if necessary. (User: ${ctx.user.login})`,
  );
}

function search(ctx: CallContext, model: string, domain: unknown): OdooRecord[] {
  if (!Array.isArray(domain)) throw valueError('domain must be a list');
  const terms = domain.filter((term) => term !== '&');
  const mentionsActive = terms.some((term) => Array.isArray(term) && term[0] === 'active');
  const hasActive = Boolean(MODELS[model].active);
  return ctx.store
    .table(model)
    .filter((record) => mentionsActive || !hasActive || record.active !== false)
    .filter((record) => terms.every((term) => matches(model, record, term)));
}

function matches(model: string, record: OdooRecord, term: unknown): boolean {
  if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string' || typeof term[1] !== 'string') {
    throw valueError(`Invalid leaf ${JSON.stringify(term)}`);
  }
  const [field, operator, value] = term as [string, string, unknown];
  if (field !== 'id' && !MODELS[model][field])
    throw valueError(`Invalid field ${model}.${field} in leaf ${JSON.stringify(term)}`);
  const actual = record[field] ?? false;
  switch (operator) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case 'in':
      return Array.isArray(value) && value.includes(actual);
    case 'not in':
      return Array.isArray(value) && !value.includes(actual);
    case 'ilike':
      return typeof actual === 'string' && actual.toLowerCase().includes(String(value).toLowerCase());
    default:
      throw valueError(`Invalid operator ${JSON.stringify(operator)} in leaf ${JSON.stringify(term)}`);
  }
}

function render(ctx: CallContext, model: string, record: OdooRecord, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: record.id };
  for (const field of fields) {
    if (field === 'id') continue;
    if (field === 'display_name') {
      out[field] = displayName(model, record);
      continue;
    }
    const spec = MODELS[model][field];
    const value = record[field];
    if (spec.type === 'many2one') {
      const target = typeof value === 'number' && spec.relation ? ctx.store.find(spec.relation, value) : undefined;
      out[field] = target && spec.relation ? [target.id, displayName(spec.relation, target)] : false;
    } else if (spec.type === 'one2many') {
      out[field] = Array.isArray(value) ? [...value] : [];
    } else if (spec.type === 'boolean') {
      out[field] = value === true;
    } else if (spec.type === 'float' || spec.type === 'integer') {
      out[field] = typeof value === 'number' ? value : 0;
    } else {
      out[field] = typeof value === 'string' && value !== '' ? value : false;
    }
  }
  return out;
}

function fieldList(model: string, fields: unknown): string[] {
  if (fields === undefined || fields === null) return Object.keys(MODELS[model]);
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string'))
    throw valueError('fields must be a list of names');
  for (const field of fields as string[]) {
    if (field !== 'id' && field !== 'display_name' && !MODELS[model][field]) {
      throw valueError(`Invalid field '${field}' on model '${model}'`);
    }
  }
  return fields as string[];
}

function idList(ids: unknown): number[] {
  const list = typeof ids === 'number' ? [ids] : ids;
  if (!Array.isArray(list) || list.some((id) => !Number.isSafeInteger(id)))
    throw valueError('ids must be a list of integers');
  return list as number[];
}

function optionalInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw valueError(`${name} must be an integer >= 0`);
  return value as number;
}

/** Types and references of the values, as the ORM converts them before writing. */
function checkVals(ctx: CallContext, model: string, vals: Kwargs): Kwargs {
  const out: Kwargs = {};
  for (const [field, value] of Object.entries(vals)) {
    const spec: FieldSpec | undefined = MODELS[model][field];
    if (!spec) throw valueError(`Invalid field '${field}' on model '${model}'`);
    if (spec.readonly || spec.type === 'one2many') continue;
    out[field] = convert(ctx, model, field, spec, value);
  }
  return out;
}

function convert(ctx: CallContext, model: string, field: string, spec: FieldSpec, value: unknown): unknown {
  const wrong = () => valueError(`Wrong value for ${model}.${field}: ${JSON.stringify(value)}`);
  if (value === false || value === null) return false;
  switch (spec.type) {
    case 'char':
    case 'datetime':
      if (typeof value !== 'string') throw wrong();
      if (spec.type === 'datetime' && !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(value)) throw wrong();
      return value;
    case 'selection':
      if (typeof value !== 'string' || !spec.options?.includes(value)) throw wrong();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong();
      return value;
    case 'integer':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
      return value;
    case 'many2one':
      if (!Number.isSafeInteger(value)) throw wrong();
      if (!spec.relation || !ctx.store.find(spec.relation, value as number)) {
        throw missingError(spec.relation ?? model, [value as number], ctx.user.uid);
      }
      return value;
    default:
      throw wrong();
  }
}

const REF_LIMIT = 64;

function checkPartner(partner: Kwargs): void {
  if (typeof partner.name !== 'string' || partner.name.trim() === '') throw validationError('Contacts require a name');
  if (typeof partner.ref === 'string' && partner.ref.length > REF_LIMIT) {
    throw validationError(`The reference is longer than ${REF_LIMIT} characters.`);
  }
}

function prepareCreate(ctx: CallContext, model: string, vals: Kwargs): () => number {
  const checked = checkVals(ctx, model, vals);
  if (model === 'res.partner') {
    checkPartner(checked);
    return insert(ctx, model, { active: true, sale_warn: 'no-message', is_company: false, ...checked });
  }
  if (model === 'sale.order') return prepareOrder(ctx, checked, vals.order_line);
  if (model === 'sale.order.line') throw userError('Order lines are created with their order (order_line commands).');
  return insert(ctx, model, { active: true, ...checked });
}

function insert(ctx: CallContext, model: string, record: Kwargs): () => number {
  return () => {
    const id = ctx.store.nextId(model);
    ctx.store.table(model).push({ ...record, id });
    ctx.store.changed();
    return id;
  };
}

function prepareOrder(ctx: CallContext, vals: Kwargs, commands: unknown): () => number {
  const { store } = ctx;
  if (typeof vals.partner_id !== 'number') throw validationError('The field Customer (partner_id) is required.');
  const partner = store.find('res.partner', vals.partner_id) as OdooRecord;
  if (partner.sale_warn === 'block') {
    const reason = typeof partner.sale_warn_msg === 'string' ? partner.sale_warn_msg : 'Sales are blocked.';
    throw userError(`You cannot confirm a sale for ${String(partner.name)}, the customer is blocked: ${reason}`);
  }
  const lines = (commands === undefined ? [] : orderCommands(commands)).map((line) => {
    const checked = checkVals(ctx, 'sale.order.line', line);
    if (typeof checked.product_id !== 'number') throw validationError('Order lines require a product.');
    const product = store.find('product.product', checked.product_id) as OdooRecord;
    if (product.sale_ok !== true || product.active === false) {
      throw validationError(`The product '${displayName('product.product', product)}' cannot be sold.`);
    }
    const quantity = typeof checked.product_uom_qty === 'number' ? checked.product_uom_qty : 1;
    if (quantity <= 0) throw validationError('The ordered quantity must be positive.');
    const price = typeof checked.price_unit === 'number' ? checked.price_unit : Number(product.list_price ?? 0);
    const name = typeof checked.name === 'string' ? checked.name : String(product.name);
    return { ...checked, name, product_uom_qty: quantity, price_unit: price, price_subtotal: money(quantity * price) };
  });
  const currency = store.table('res.currency').find((c) => c.name === 'EUR');
  return () => {
    const id = store.nextId('sale.order');
    const lineIds = lines.map((line) => {
      const lineId = store.nextId('sale.order.line');
      store.table('sale.order.line').push({ ...line, id: lineId, order_id: id });
      return lineId;
    });
    store.table('sale.order').push({
      state: 'draft',
      date_order: odooDatetime(),
      currency_id: currency?.id ?? false,
      ...vals,
      id,
      name: store.nextOrderName(),
      order_line: lineIds,
      amount_untaxed: money(lines.reduce((sum, line) => sum + line.price_subtotal, 0)),
    });
    store.changed();
    return id;
  };
}

/** x2many commands on create: only (0, 0, vals), which creates a line. */
function orderCommands(commands: unknown): Kwargs[] {
  if (!Array.isArray(commands)) throw valueError('order_line must be a list of commands');
  return commands.map((command) => {
    if (!Array.isArray(command) || command[0] !== 0 || !isObject(command[2])) {
      throw valueError(`Unsupported order_line command ${JSON.stringify(command)}: the sandbox takes (0, 0, vals)`);
    }
    return command[2] as Kwargs;
  });
}

const isObject = (value: unknown): value is Kwargs =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const money = (value: number) => Math.round(value * 100) / 100;
