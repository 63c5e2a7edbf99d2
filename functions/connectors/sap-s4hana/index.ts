// SAP S/4HANA (OData v2 APIs API_BUSINESS_PARTNER, API_SALES_ORDER_SRV, API_PRODUCT_SRV;
// OAuth 2.0 client credentials of a communication user; CSRF-protected writes) behind the ERP port.
import type { ErpConnector } from '../../ports/connector';
import type { ErpPort } from '../../ports/erp';
import { SapClient } from './client';
import { type SapCredentials, sapCredentialsSchema } from './credentials';
import { upsertCustomer } from './customers';
import { SYSTEM_TITLE } from './errors';
import { getItem } from './items';
import { createSalesOrder, findByCrmReference, readSalesOrderDetail } from './sales-orders';
import { type SapSettings, sapSettingsSchema } from './settings';

export type { SapSettings } from './settings';

export const connector: ErpConnector<SapCredentials, SapSettings> = {
  kind: 'erp',
  title: SYSTEM_TITLE,
  secret: {
    schema: sapCredentialsSchema,
    description:
      'SAP S/4HANA communication user (OAuth 2.0 client credentials of its communication arrangements) the hub creates business partners and sales orders with',
    placeholder: { baseUrl: 'https://my000000-api.s4hana.cloud.sap', clientId: 'replace-me' },
    // The stack generates the password; the administrator gives it to the communication user.
    generatedKey: 'clientSecret',
  },
  settings: sapSettingsSchema,
  create({ system, secretId, settings }): ErpPort {
    const client = new SapClient(secretId);
    return {
      system,
      title: SYSTEM_TITLE,
      customers: { upsert: (customer) => upsertCustomer(client, customer, settings) },
      salesOrders: {
        findByCrmReference: (reference) => findByCrmReference(client, reference),
        create: (request) => createSalesOrder(client, request, settings),
        read: (orderId) => readSalesOrderDetail(client, orderId),
      },
      items: { get: (itemId) => getItem(client, itemId, settings) },
    };
  },
};
