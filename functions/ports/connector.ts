// What every vendor folder under functions/connectors/ exports as `connector`: its adapter for a
// port, the JSON its credentials secret holds and the settings a deployment gives it. The stack
// reads the secret and settings declarations at synth (lib/systems.ts), the functions create the
// adapter at run time (connectors/registry.ts): one declaration serves both.
import type * as z from 'zod';
import type { CrmPort } from './crm';
import type { ErpPort } from './erp';

export interface Connection<Settings> {
  /** The registry name, e.g. 'sap-s4hana'. */
  system: string;
  /** ARN of the secret holding the credentials (its JSON matches `secret.schema`). */
  secretId: string;
  /** The deployment's settings for this system (CDK context hub:systems.<name>), validated at synth. */
  settings: Settings;
}

export interface SecretDeclaration<Secret> {
  schema: z.ZodType<Secret>;
  description: string;
  /** The JSON the stack creates the secret with, until an operator puts the real one. */
  placeholder: Record<string, string>;
  /** The key of `placeholder` the stack fills with a random value. */
  generatedKey: string;
}

interface ConnectorBase<Secret, Settings> {
  /** The name people read, e.g. 'Business Central'. */
  title: string;
  secret: SecretDeclaration<Secret>;
  settings: z.ZodType<Settings>;
}

export interface ErpConnector<Secret = unknown, Settings = unknown> extends ConnectorBase<Secret, Settings> {
  kind: 'erp';
  create(connection: Connection<Settings>): ErpPort;
}

export interface CrmConnector<Secret = unknown, Settings = unknown> extends ConnectorBase<Secret, Settings> {
  kind: 'crm';
  create(connection: Connection<Settings>): CrmPort;
}

export type Connector = ErpConnector | CrmConnector;
