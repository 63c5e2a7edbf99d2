// Dynamics 365 Business Central (API v2.0, OData v4; Microsoft Entra ID OAuth 2.0 client
// credentials) behind the ERP port.
import type { ErpConnector } from '../../ports/connector';
import type { ErpPort } from '../../ports/erp';
import { BusinessCentralClient } from './client';
import { type BusinessCentralCredentials, businessCentralCredentialsSchema } from './credentials';
import { upsertCustomer } from './customers';
import { SYSTEM_TITLE } from './errors';
import { getItem } from './items';
import { createSalesOrder, findByCrmReference, readSalesOrderDetail } from './sales-orders';
import { type BusinessCentralSettings, businessCentralSettingsSchema } from './settings';

export type { BusinessCentralSettings } from './settings';

export const connector: ErpConnector<BusinessCentralCredentials, BusinessCentralSettings> = {
  kind: 'erp',
  title: SYSTEM_TITLE,
  secret: {
    schema: businessCentralCredentialsSchema,
    description:
      'Microsoft Entra app registration (client credentials) registered on the Business Central Microsoft Entra Applications page, the hub creates customers and sales orders with',
    placeholder: {
      tenantId: '00000000-0000-0000-0000-000000000000',
      clientId: '00000000-0000-0000-0000-000000000000',
    },
    // The secret Value comes from the app registration; the generated one is a placeholder to replace.
    generatedKey: 'clientSecret',
  },
  settings: businessCentralSettingsSchema,
  create({ system, secretId, settings }): ErpPort {
    const client = new BusinessCentralClient(secretId, settings);
    return {
      system,
      title: SYSTEM_TITLE,
      customers: { upsert: (customer) => upsertCustomer(client, customer) },
      salesOrders: {
        findByCrmReference: (reference) => findByCrmReference(client, reference),
        create: (request) => createSalesOrder(client, request, settings),
        read: (orderId) => readSalesOrderDetail(client, orderId, settings),
      },
      items: { get: (itemId) => getItem(client, itemId) },
    };
  },
};
