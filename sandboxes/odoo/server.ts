// Starts the Odoo sandbox: the JSON-2 API (/json/2) and JSON-RPC (/jsonrpc) of one database behind
// a rate-limiting proxy, and the control API under /_sandbox.
import { registerErpControlRoutes } from '../erp-sandbox';
import { json, Router, serve } from '../http';
import { json2Route, jsonRpcRoute } from './api';
import { odooControl } from './erp-control';
import { json2Error, notFound } from './errors';
import { DEFAULT_CONFIG, Governance, type GovernanceConfig } from './governance';
import { OdooStore, type OdooUser } from './store';

export interface OdooSandboxOptions extends Partial<GovernanceConfig> {
  /** @default 0 (a free port) */
  port?: number;
  /** @default 'hub-demo' */
  database?: string;
  /** Extra users with their API keys, e.g. one without sales rights. */
  users?: (Omit<OdooUser, 'uid'> & { apiKey: string })[];
  /** Loaded on start; saved (debounced, and on stop) after changes. */
  stateFile?: string;
  /** Catalog products and the catalog accounts finance set up. @default true */
  seed?: boolean;
}

export interface OdooSandbox {
  url: string;
  database: string;
  configure(changes: Partial<GovernanceConfig>): GovernanceConfig;
  stop(): Promise<void>;
}

const DEFAULT_DATABASE = 'hub-demo';

export async function startOdooSandbox(options: OdooSandboxOptions = {}): Promise<OdooSandbox> {
  const database = options.database ?? DEFAULT_DATABASE;
  const config = Object.fromEntries(
    Object.keys(DEFAULT_CONFIG).map((key) => [
      key,
      options[key as keyof GovernanceConfig] ?? DEFAULT_CONFIG[key as keyof GovernanceConfig],
    ]),
  ) as unknown as GovernanceConfig;
  const governance = new Governance(config);
  const store = await OdooStore.open(options.stateFile, options.seed ?? true);
  for (const user of options.users ?? []) addUser(store, user);

  let baseUrl = '';
  const ctx = { store, governance, database, baseUrl: () => baseUrl };
  const router = new Router();
  router
    .use('/json/2', governance.recordRequests)
    .use('/json/2', governance.enforce)
    .use('/jsonrpc', governance.recordRequests)
    .use('/jsonrpc', governance.enforce);
  router
    .on('POST', '/json/2/:model/:method', json2Route(ctx))
    .on('POST', '/jsonrpc', jsonRpcRoute(ctx))
    .on('GET', '/json/2/*', () => json2Error(notFound('The JSON-2 API takes POST only.')))
    .on('GET', '/_sandbox/state', () =>
      json(200, {
        database,
        ...store.state.tables,
        apiKeys: store.state.apiKeys.map((k) => ({ uid: k.uid, expired: k.expired })),
        config: { ...governance.config },
        stats: { ...governance.stats },
      }),
    );
  registerErpControlRoutes(router, odooControl(ctx));
  const server = await serve(router, options.port ?? 0);
  baseUrl = server.url;
  return {
    url: server.url,
    database,
    configure: (changes) => governance.configure(changes),
    stop: async () => {
      await server.stop();
      await store.close();
    },
  };
}

function addUser(store: OdooStore, user: Omit<OdooUser, 'uid'> & { apiKey: string }): void {
  const { users, apiKeys } = store.state;
  const existing = users.find((u) => u.login === user.login);
  const uid = existing?.uid ?? Math.max(...users.map((u) => u.uid)) + 1;
  if (!existing) users.push({ uid, login: user.login, salesRights: user.salesRights });
  if (!apiKeys.some((k) => k.key === user.apiKey)) apiKeys.push({ key: user.apiKey, uid, expired: false });
}
