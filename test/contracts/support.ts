// Connects a connector's adapter to its sandbox the way a deployment does: the sandbox sets up
// the integration and hands back the credentials, which go into a (mocked) Secrets Manager
// secret the adapter reads like any other.
import type { Connection, ErpConnector } from '../../functions/ports/connector';
import type { ErpPort } from '../../functions/ports/erp';
import { ErpDesk } from '../../sandboxes/erp-sandbox';
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
