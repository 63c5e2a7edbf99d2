// Connects a connector's adapter to its sandbox the way a deployment does: the sandbox sets up
import type { SalesOrderV1 } from '../../functions/domain/canonical/sales-order';
// the integration and hands back the credentials, which go into a (mocked) Secrets Manager
// secret the adapter reads like any other.
import type { Connection, ErpConnector } from '../../functions/ports/connector';
import type { ErpPort } from '../../functions/ports/erp';
import { ErpDesk } from '../../sandboxes/erp-sandbox';
import { salesOrder } from '../unit/functions/support/orders';
import { mockSecretsManager } from '../unit/functions/support/secrets';

export const secrets = mockSecretsManager();

export interface ConnectedAdapter {
  erp: ErpPort;
  desk: ErpDesk;
  secretId: string;
  /** The credentials the sandbox issued. */
  credentials: Record<string, unknown>;
}

export async function connectAdapter<Secret, Settings>(
  connector: ErpConnector<Secret, Settings>,
  sandboxUrl: string,
  connection: Omit<Connection<Settings>, 'secretId'>,
): Promise<ConnectedAdapter> {
  const desk = new ErpDesk(sandboxUrl);
  const credentials = await desk.connection();
  const secretId = `arn:aws:secretsmanager:us-east-1:000000000000:secret:hub/test/${connection.system}/api`;
  secrets.put(secretId, credentials);
  const settings = connector.settings.parse(connection.settings);
  return { erp: connector.create({ ...connection, settings, secretId }), desk, secretId, credentials };
}

/**
 * Fresh deals of the fixture order: each with its own CRM record id and, unless one is given, a
 * fresh account. `tag` (five characters) keeps one suite's records apart from another's.
 */
export function dealMaker(tag: string): (accountId?: string) => SalesOrderV1 {
  let sequence = 0;
  return (accountId) => {
    const n = String(++sequence).padStart(4, '0');
    const order = salesOrder();
    return {
      ...order,
      externalId: `0065g0000${tag}${n}AAA`,
      customer: { ...order.customer, externalId: accountId ?? `0015g0000${tag}${n}AAA` },
    };
  };
}

/** The error a call fails with; a call that succeeds fails the test. */
export async function failure(promise: Promise<unknown>): Promise<Error & { retryAfterSeconds?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call succeeded');
}
