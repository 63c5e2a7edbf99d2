// Item records (read-only over REST; an admin sets them up through the control API).
import type { SandboxRequest, SandboxResponse } from '../http';
import { nonexistentId, resource } from './errors';
import { ITEM_TYPES, type ItemRecord, type ItemType, itemTypeRef } from './model';
import { type JsonObject, type RecordContext, recordUrl, selfLinks } from './request';

export function getItem(ctx: RecordContext, type: ItemType, req: SandboxRequest): SandboxResponse {
  const item = ctx.store.findItem(req.params.id);
  // An item is only found under its own record type, as in NetSuite.
  if (!item || item.type !== type) return nonexistentId();
  return resource(renderItem(ctx, item));
}

export function renderItem(ctx: RecordContext, item: ItemRecord): JsonObject {
  return {
    links: selfLinks(recordUrl(ctx, item.type, item.id)),
    id: item.id,
    itemId: item.itemId,
    displayName: item.displayName,
    itemType: itemTypeRef(item.type),
    basePrice: item.basePrice,
    isInactive: item.isInactive,
  };
}

export interface ItemSetup {
  id: string;
  itemId: string;
  displayName: string;
  basePrice: number;
  type?: ItemType;
  isInactive?: boolean;
}

/** Validates an admin's item setup; returns a message for a 400 or the record to store. */
export function readItemSetup(body: unknown): ItemRecord | string {
  if (typeof body !== 'object' || body === null) return 'body must be a JSON object';
  const setup = body as Partial<ItemSetup>;
  if (typeof setup.id !== 'string' || !/^\d+$/.test(setup.id)) return 'id must be a numeric string';
  if (typeof setup.itemId !== 'string' || setup.itemId === '') return 'itemId must be a non-empty string';
  if (typeof setup.displayName !== 'string') return 'displayName must be a string';
  if (typeof setup.basePrice !== 'number' || !Number.isFinite(setup.basePrice)) return 'basePrice must be a number';
  if (setup.type !== undefined && !ITEM_TYPES.includes(setup.type))
    return `type must be one of ${ITEM_TYPES.join(', ')}`;
  if (setup.isInactive !== undefined && typeof setup.isInactive !== 'boolean') return 'isInactive must be a boolean';
  return {
    id: setup.id,
    itemId: setup.itemId,
    displayName: setup.displayName,
    basePrice: setup.basePrice,
    type: setup.type ?? 'inventoryItem',
    isInactive: setup.isInactive ?? false,
  };
}
