// Field-by-field comparison of two ERPs' records of the same deal (shadow mode): what a cutover
// team checks before moving a region to the new ERP. Only what both ERPs must agree on is
// compared; numbers and keys that each ERP gives itself (order and customer numbers) are not.

import type { ErpOrderDetail } from '../../ports/erp';
import type { ShadowDifference } from '../../stores/correlation-store';

const money = (value: number) => value.toFixed(2);

export function compareOrders(target: ErpOrderDetail, shadow: ErpOrderDetail): ShadowDifference[] {
  const differences: ShadowDifference[] = [];
  const check = (field: string, a: string, b: string) => {
    if (a !== b) differences.push({ field, target: a, shadow: b });
  };
  check('CRM reference', target.crmReference, shadow.crmReference);
  check('order date', target.orderDate.slice(0, 10), shadow.orderDate.slice(0, 10));
  check('currency', target.currency, shadow.currency);
  check('total', money(target.total), money(shadow.total));
  check('lines', String(target.lines.length), String(shadow.lines.length));
  const lines = Math.min(target.lines.length, shadow.lines.length);
  for (let index = 0; index < lines; index++) {
    const [a, b] = [target.lines[index], shadow.lines[index]];
    const label = `line ${index + 1}`;
    if (itemKey(a.itemName) !== itemKey(b.itemName)) {
      differences.push({
        field: `${label} item`,
        target: `${a.itemName} (${a.itemId})`,
        shadow: `${b.itemName} (${b.itemId})`,
      });
    }
    check(`${label} quantity`, String(a.quantity), String(b.quantity));
    check(`${label} unit price`, money(a.unitPrice), money(b.unitPrice));
    check(`${label} amount`, money(a.amount), money(b.amount));
  }
  return differences;
}

/** Item names as ERPs differ only in form: case, spacing, a leading "[code]" some ERPs put in display names. */
function itemKey(name: string): string {
  return name
    .replace(/^\[[^\]]*\]\s*/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
