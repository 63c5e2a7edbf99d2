// The demo company as the CRM sees it: the catalog's accounts with their fixed ids, its products
// with codes, the standard price book and a list price per product.
import { CATALOG_ACCOUNTS, CATALOG_PRODUCTS } from '../catalog';
import { KEY_PREFIXES, normalizeId, seedId } from './ids';
import { requireObject } from './schema';
import type { RecordStore } from './store';

export function seedCatalog(store: RecordStore): void {
  seedAccounts(store);
  const pricebookId = store.create(
    requireObject('Pricebook2'),
    { Name: 'Standard Price Book', IsStandard: true },
    'system',
    seedId(KEY_PREFIXES.Pricebook2, 1),
  );
  seedProducts(store, pricebookId);
}

function seedAccounts(store: RecordStore): void {
  const account = requireObject('Account');
  for (const a of CATALOG_ACCOUNTS) {
    const id = normalizeId(a.salesforceId);
    if (id !== a.salesforceId) throw new Error(`catalog account id ${a.salesforceId} is not a valid 18-char id`);
    const fields = {
      Name: a.name,
      BillingStreet: a.billingStreet,
      BillingCity: a.billingCity,
      BillingPostalCode: a.billingPostalCode,
      BillingCountry: a.billingCountry,
      Phone: a.phone,
    };
    store.create(account, fields, 'system', id);
  }
}

function seedProducts(store: RecordStore, pricebookId: string): void {
  const product = requireObject('Product2');
  const entry = requireObject('PricebookEntry');
  CATALOG_PRODUCTS.forEach((p, i) => {
    const productId = store.create(
      product,
      { Name: p.name, ProductCode: p.code, IsActive: true },
      'system',
      seedId(KEY_PREFIXES.Product2, i + 1),
    );
    store.create(
      entry,
      { Pricebook2Id: pricebookId, Product2Id: productId, UnitPrice: p.unitPrice, IsActive: true },
      'system',
      seedId(KEY_PREFIXES.PricebookEntry, i + 1),
    );
  });
}
