// The few OData pieces the hub writes into URLs and reads from answers.
import * as z from 'zod';

/** A string literal in a $filter: quotes doubled, the whole URL-encoded. */
export function filterEq(field: string, value: string): string {
  return `$filter=${encodeURIComponent(`${field} eq '${value.replace(/'/g, "''")}'`)}`;
}

/** The entity's version, for If-Match on PATCH. */
export const etagField = z.string().min(1);

export function collectionOf<T extends z.ZodType>(entity: T) {
  return z.object({ value: z.array(entity) });
}
