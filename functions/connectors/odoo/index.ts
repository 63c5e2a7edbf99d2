// Odoo (JSON-2 API of Odoo 19, or JSON-RPC for earlier versions) behind the ERP port.
import type { ErpConnector } from '../../ports/connector';
import type { ErpPort } from '../../ports/erp';
import { OdooClient } from './client';
import { type OdooCredentials, type OdooSettings, odooCredentialsSchema, odooSettingsSchema } from './credentials';
import { upsertCustomer } from './customers';
import { getItem } from './items';
import { createSalesOrder, findByCrmReference, readSalesOrderDetail } from './sales-orders';
import { SYSTEM_TITLE } from './transport';

export type { OdooSettings } from './credentials';

export const connector: ErpConnector<OdooCredentials, OdooSettings> = {
  kind: 'erp',
  title: SYSTEM_TITLE,
  secret: {
    schema: odooCredentialsSchema,
    description: 'API key of the Odoo integration user the hub creates customers and sales orders with',
    placeholder: { baseUrl: 'https://replace-me.odoo.com', database: 'replace-me', login: 'replace-me' },
    generatedKey: 'apiKey',
  },
  settings: odooSettingsSchema,
  create({ system, secretId, settings }): ErpPort {
    const client = new OdooClient(secretId, settings);
    return {
      system,
      title: SYSTEM_TITLE,
      customers: { upsert: (customer) => upsertCustomer(client, customer) },
      salesOrders: {
        findByCrmReference: (reference) => findByCrmReference(client, reference),
        create: (request) => createSalesOrder(client, request, settings),
        read: (orderId) => readSalesOrderDetail(client, orderId),
      },
      items: { get: (itemId) => getItem(client, itemId) },
    };
  },
};
