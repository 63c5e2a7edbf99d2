// The org's records: inserts, updates and deletes with the integrity rules Salesforce enforces
// (lookups, price books, Amount rolled up from line items), reporting every save so the workflow
// rule can watch Opportunities.
import { dmlError, entityIsDeleted, notFound } from './errors';
import { type IdGenerator, normalizeId } from './ids';
import { type FieldDef, OBJECT_NAMES, type ObjectDef, objectForId, requireObject } from './schema';
import { normalizeInput, type RecordFields, roundTo2, type SaveOrigin } from './values';

export interface StoredRecord {
  type: string;
  fields: RecordFields;
  deleted: boolean;
}

export interface SaveEvent {
  type: string;
  id: string;
  created: boolean;
  /** Fields whose value differs from before the save (all set fields on insert), audit fields excluded. */
  changedFields: string[];
  record: RecordFields;
  origin: SaveOrigin;
}

export interface StoreHooks {
  onSave(event: SaveEvent): void;
  /** Any change worth persisting. */
  onChange(): void;
}

export type UpsertResult = { outcome: 'created' | 'updated'; id: string } | { outcome: 'multiple'; ids: string[] };

const AUDIT_FIELDS = new Set(['Id', 'CreatedDate', 'LastModifiedDate']);

const integrity = (field: string, reason: string) =>
  dmlError('FIELD_INTEGRITY_EXCEPTION', `field integrity exception: ${field} (${reason})`, [field]);

export class RecordStore {
  private readonly records = new Map<string, StoredRecord>();

  constructor(
    private readonly ids: IdGenerator,
    private readonly hooks: StoreHooks,
  ) {}

  load(records: readonly StoredRecord[]): void {
    for (const record of records) this.records.set(String(record.fields.Id), structuredClone(record));
  }

  snapshot(): StoredRecord[] {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  /** Live records of a type in insertion order. */
  list(type: string): RecordFields[] {
    const out: RecordFields[] = [];
    for (const record of this.records.values()) {
      if (record.type === type && !record.deleted) out.push(record.fields);
    }
    return out;
  }

  /** Any live record by id, for lookups that follow a reference. */
  findLive(id: unknown): RecordFields | undefined {
    const record = typeof id === 'string' ? this.records.get(id) : undefined;
    return record && !record.deleted ? record.fields : undefined;
  }

  /** The live record `rawId` of type `object`; NOT_FOUND or ENTITY_IS_DELETED otherwise. */
  get(object: ObjectDef, rawId: string): RecordFields {
    return this.resolve(object, rawId).fields;
  }

  create(object: ObjectDef, input: Record<string, unknown>, origin: SaveOrigin, fixedId?: string): string {
    const values = normalizeInput(object, input, 'create', origin);
    this.checkReferences(object, values);
    const record = this.withDefaults(object, values);
    this.prepare(object, record, undefined, origin);
    const id = fixedId ?? this.mintId(object);
    const now = new Date().toISOString();
    record.Id = id;
    record.CreatedDate = now;
    record.LastModifiedDate = now;
    this.records.set(id, { type: object.name, fields: record, deleted: false });
    const changedFields = Object.keys(record).filter((f) => record[f] !== null && !AUDIT_FIELDS.has(f));
    this.hooks.onSave({ type: object.name, id, created: true, changedFields, record: { ...record }, origin });
    this.afterSave(object, record);
    this.hooks.onChange();
    return id;
  }

  update(object: ObjectDef, rawId: string, input: Record<string, unknown>, origin: SaveOrigin): string {
    const stored = this.resolve(object, rawId);
    const values = normalizeInput(object, input, 'update', origin);
    this.checkReferences(object, values);
    const before = stored.fields;
    const record = { ...before, ...values };
    this.prepare(object, record, before, origin);
    record.LastModifiedDate = new Date().toISOString();
    stored.fields = record;
    const changedFields = Object.keys(record).filter((f) => !AUDIT_FIELDS.has(f) && record[f] !== before[f]);
    const id = String(record.Id);
    this.hooks.onSave({ type: object.name, id, created: false, changedFields, record: { ...record }, origin });
    this.afterSave(object, record);
    this.hooks.onChange();
    return id;
  }

  /** Upsert by an external id field (or Id): insert when nothing matches, update a single match. */
  upsert(
    object: ObjectDef,
    field: FieldDef,
    value: string,
    input: Record<string, unknown>,
    origin: SaveOrigin,
  ): UpsertResult {
    if (field.type === 'id') return { outcome: 'updated', id: this.update(object, value, input, origin) };
    const bodyValue = Object.entries(input).find(([k]) => k.toLowerCase() === field.name.toLowerCase())?.[1];
    if (bodyValue !== undefined && String(bodyValue).toLowerCase() !== value.toLowerCase()) {
      throw dmlError('INVALID_FIELD', `The value of the external ID field ${field.name} does not match the URL`, [
        field.name,
      ]);
    }
    // External ids are case-insensitive unless marked case-sensitive, which ours are not.
    const matches = this.list(object.name).filter(
      (r) => String(r[field.name] ?? '').toLowerCase() === value.toLowerCase(),
    );
    if (matches.length > 1) return { outcome: 'multiple', ids: matches.map((r) => String(r.Id)) };
    if (matches.length === 1) {
      return { outcome: 'updated', id: this.update(object, String(matches[0].Id), input, origin) };
    }
    return { outcome: 'created', id: this.create(object, { ...input, [field.name]: value }, origin) };
  }

  delete(object: ObjectDef, rawId: string): void {
    const stored = this.resolve(object, rawId);
    this.checkDeletable(object, stored.fields);
    this.cascadeDelete(object, stored);
    this.hooks.onChange();
  }

  private resolve(object: ObjectDef, rawId: string): StoredRecord {
    const id = normalizeId(rawId);
    const stored = id ? this.records.get(id) : undefined;
    if (!stored || stored.type !== object.name) throw notFound();
    if (stored.deleted) throw entityIsDeleted();
    return stored;
  }

  private mintId(object: ObjectDef): string {
    let id = this.ids.next(object.keyPrefix);
    while (this.records.has(id)) id = this.ids.next(object.keyPrefix);
    return id;
  }

  private withDefaults(object: ObjectDef, values: RecordFields): RecordFields {
    const record: RecordFields = {};
    for (const field of object.fields) record[field.name] = values[field.name] ?? field.defaultValue ?? null;
    return record;
  }

  /** Lookups must name a live record of the referenced object. */
  private checkReferences(object: ObjectDef, values: RecordFields): void {
    for (const field of object.fields) {
      if (field.type !== 'reference' || values[field.name] === undefined || values[field.name] === null) continue;
      values[field.name] = this.checkReference(field, values[field.name]);
    }
  }

  private checkReference(field: FieldDef, raw: unknown): string {
    const id = normalizeId(raw);
    if (!id) throw dmlError('MALFORMED_ID', `${field.label}: id value of incorrect type: ${String(raw)}`, [field.name]);
    if (objectForId(id)?.name !== field.referenceTo) {
      throw dmlError('FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${id}`, [field.name]);
    }
    const target = this.records.get(id);
    if (!target) throw dmlError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
    if (target.deleted) throw dmlError('ENTITY_IS_DELETED', 'entity is deleted');
    return id;
  }

  private checkRequired(object: ObjectDef, record: RecordFields): void {
    const missing = object.fields.filter(
      (f) => f.required && (record[f.name] === null || record[f.name] === undefined),
    );
    if (missing.length === 0) return;
    const names = missing.map((f) => f.name);
    throw dmlError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names);
  }

  /** Per-object rules applied to the merged record before it is stored. */
  private prepare(object: ObjectDef, record: RecordFields, before: RecordFields | undefined, origin: SaveOrigin): void {
    if (object.name === 'OpportunityLineItem') this.prepareLineItem(record, before, origin);
    this.checkRequired(object, record);
    if (object.name === 'OpportunityLineItem') {
      record.TotalPrice = roundTo2(Number(record.Quantity) * Number(record.UnitPrice));
    }
    if (object.name === 'Opportunity') this.prepareOpportunity(record, before);
    if (object.name === 'PricebookEntry' && !before) this.checkUniquePrice(record);
  }

  private prepareLineItem(record: RecordFields, before: RecordFields | undefined, origin: SaveOrigin): void {
    if (record.Quantity === 0) throw integrity('Quantity', 'quantity must be nonzero');
    if (before) return;
    const entry = this.findLive(record.PricebookEntryId);
    if (!entry) return; // REQUIRED_FIELD_MISSING follows
    if (entry.IsActive !== true) throw integrity('PricebookEntryId', 'pricebook entry is inactive');
    if (record.Product2Id !== null && record.Product2Id !== entry.Product2Id) {
      throw integrity('Product2Id', 'product does not match the price book entry');
    }
    record.Product2Id = entry.Product2Id;
    const opportunity = this.findLive(record.OpportunityId);
    if (opportunity?.Pricebook2Id && opportunity.Pricebook2Id !== entry.Pricebook2Id) {
      throw integrity(
        'PricebookEntryId',
        'pricebook entry is in a different pricebook than the one assigned to the opportunity',
      );
    }
    // The UI pre-fills the sales price with the list price; the API insists on one.
    if (record.UnitPrice === null && origin !== 'api') record.UnitPrice = entry.UnitPrice;
  }

  private prepareOpportunity(record: RecordFields, before: RecordFields | undefined): void {
    if (!before) return;
    const lines = this.lineItemsOf(String(record.Id));
    if (lines.length === 0) return;
    // The first product sets an empty price book; after that it is fixed.
    if (before.Pricebook2Id && record.Pricebook2Id !== before.Pricebook2Id) {
      throw integrity('Pricebook2Id', 'cannot change the price book of an opportunity with products');
    }
    // With products, Amount is the sum of their total prices whatever the caller sent.
    record.Amount = sumTotalPrice(lines);
  }

  private checkUniquePrice(record: RecordFields): void {
    const duplicate = this.list('PricebookEntry').some(
      (e) => e.Pricebook2Id === record.Pricebook2Id && e.Product2Id === record.Product2Id,
    );
    if (duplicate) throw dmlError('DUPLICATE_VALUE', 'This price definition already exists in this price book');
  }

  private afterSave(object: ObjectDef, record: RecordFields): void {
    if (object.name !== 'OpportunityLineItem') return;
    const entry = this.findLive(record.PricebookEntryId);
    this.rollUpOpportunity(String(record.OpportunityId), entry?.Pricebook2Id);
  }

  /** Keeps the parent's Amount (and price book, set by its first product) in step with its lines. */
  private rollUpOpportunity(opportunityId: string, pricebookId?: unknown): void {
    const opportunity = this.findLive(opportunityId);
    if (!opportunity) return;
    const lines = this.lineItemsOf(opportunityId);
    const changes: RecordFields = {};
    if (lines.length > 0 && opportunity.Amount !== sumTotalPrice(lines)) changes.Amount = sumTotalPrice(lines);
    if (!opportunity.Pricebook2Id && pricebookId) changes.Pricebook2Id = pricebookId;
    if (Object.keys(changes).length === 0) return;
    this.update(requireObject('Opportunity'), opportunityId, changes, 'system');
  }

  private lineItemsOf(opportunityId: string): RecordFields[] {
    return this.list('OpportunityLineItem').filter((l) => l.OpportunityId === opportunityId);
  }

  private checkDeletable(object: ObjectDef, record: RecordFields): void {
    if (object.name === 'Pricebook2' && record.IsStandard === true) {
      throw dmlError('DELETE_FAILED', 'Cannot delete the standard price book');
    }
    const usedBy = (field: string) => this.list('OpportunityLineItem').some((l) => l[field] === record.Id);
    const entryIds = new Set(
      this.list('PricebookEntry')
        .filter((e) => e.Product2Id === record.Id || e.Pricebook2Id === record.Id)
        .map((e) => e.Id),
    );
    const inUse =
      (object.name === 'Product2' && usedBy('Product2Id')) ||
      (object.name === 'PricebookEntry' && usedBy('PricebookEntryId')) ||
      (object.name === 'Pricebook2' && this.list('OpportunityLineItem').some((l) => entryIds.has(l.PricebookEntryId)));
    if (inUse) {
      throw dmlError(
        'DELETE_FAILED',
        `Your attempt to delete ${String(record.Name ?? record.Id)} could not be completed because it is associated with the following opportunities.`,
      );
    }
  }

  /** Deletes a record and its master-detail children, as Salesforce does (and re-rolls a parent). */
  private cascadeDelete(object: ObjectDef, stored: StoredRecord): void {
    stored.deleted = true;
    const id = stored.fields.Id;
    for (const childName of OBJECT_NAMES) {
      const child = requireObject(childName);
      for (const field of child.fields) {
        if (!cascades(object.name, child.name, field)) continue;
        for (const record of this.list(child.name).filter((r) => r[field.name] === id)) {
          this.cascadeDelete(child, this.records.get(String(record.Id)) as StoredRecord);
        }
      }
    }
    if (object.name === 'OpportunityLineItem') this.rollUpAfterLineDelete(String(stored.fields.OpportunityId));
  }

  private rollUpAfterLineDelete(opportunityId: string): void {
    const opportunity = this.findLive(opportunityId);
    if (!opportunity) return;
    const lines = this.lineItemsOf(opportunityId);
    // Removing the last product leaves Amount as it was, like Salesforce.
    if (lines.length > 0) this.rollUpOpportunity(opportunityId);
  }
}

/** Which lookups delete their children with the parent. */
function cascades(parent: string, child: string, field: FieldDef): boolean {
  if (field.referenceTo !== parent) return false;
  return (
    (parent === 'Account' && child === 'Opportunity') ||
    (parent === 'Opportunity' && child === 'OpportunityLineItem') ||
    (child === 'PricebookEntry' && (parent === 'Product2' || parent === 'Pricebook2'))
  );
}

function sumTotalPrice(lines: RecordFields[]): number {
  return roundTo2(lines.reduce((sum, l) => sum + Number(l.TotalPrice ?? 0), 0));
}
