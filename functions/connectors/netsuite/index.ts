// NetSuite (SuiteTalk REST, OAuth 2.0 machine to machine) behind the ERP port.
import * as z from 'zod';
import type { ErpConnector } from '../../ports/connector';
import type { ErpPort } from '../../ports/erp';
import { NetSuiteClient, SYSTEM_TITLE } from './client';
import { type NetSuiteCredentials, netSuiteCredentialsSchema } from './credentials';
import { upsertCustomer } from './customers';
import { concurrencyLimit } from './governance';
import { getItem } from './items';
import { createSalesOrder, findByExternalId, readSalesOrderDetail } from './sales-orders';

const settingsSchema = z.strictObject({
  /** Subsidiary new customers are created in (OneWorld accounts require one). */
  subsidiaryId: z.string().regex(/^\d+$/, 'must be a NetSuite internal id (digits)'),
});

export type NetSuiteSettings = z.infer<typeof settingsSchema>;

export const connector: ErpConnector<NetSuiteCredentials, NetSuiteSettings> = {
  kind: 'erp',
  title: SYSTEM_TITLE,
  secret: {
    schema: netSuiteCredentialsSchema,
    description:
      'NetSuite integration (OAuth 2.0 client credentials with certificate) the hub creates customers and orders with',
    placeholder: { accountId: 'replace-me', clientId: 'replace-me', certificateId: 'replace-me' },
    generatedKey: 'privateKeyPem',
  },
  settings: settingsSchema,
  create({ system, secretId, settings }): ErpPort {
    const client = new NetSuiteClient(secretId);
    return {
      system,
      title: SYSTEM_TITLE,
      customers: { upsert: (customer) => upsertCustomer(client, customer, settings) },
      salesOrders: {
        findByCrmReference: (reference) => findByExternalId(client, reference),
        create: (request) => createSalesOrder(client, request),
        read: (orderId) => readSalesOrderDetail(client, orderId),
      },
      items: { get: (itemId) => getItem(client, itemId) },
      governance: { concurrencyLimit: () => concurrencyLimit(client) },
    };
  },
};
