// Starts the Business Central sandbox: Microsoft Entra ID's token endpoint under
// /{tenant}/oauth2/v2.0/token, the API v2.0 under /v2.0/..., and the control API under /_sandbox.
import { registerErpControlRoutes } from '../erp-sandbox';
import { json, Router, serve } from '../http';
import { handleApi } from './api';
import { Auth } from './auth';
import { businessCentralControl } from './erp-control';
import { bcError } from './errors';
import { Governance, type GovernanceConfig } from './governance';
import { type AppRegistration, Store } from './store';

/** The tenant, environment and company the sandbox serves; the hub settings name the last two. */
export const SANDBOX_TENANT_ID = '5f0c2b8e-9d4a-4c1e-8b7f-2a6d3e9c1f04';
export const SANDBOX_ENVIRONMENT = 'Sandbox';
export const SANDBOX_COMPANY_ID = '9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a1b';

export interface BusinessCentralSandboxOptions extends Partial<GovernanceConfig> {
  /** @default 0 (a free port) */
  port?: number;
  /** @default 3599 */
  tokenTtlSeconds?: number;
  /** Loaded on start; saved (debounced, and on stop) after changes. */
  stateFile?: string;
  /** Catalog items and the customers finance already has. @default true */
  seed?: boolean;
}

export interface BusinessCentralSandbox {
  url: string;
  tenantId: string;
  environment: string;
  companyId: string;
  configure(changes: Partial<GovernanceConfig>): GovernanceConfig;
  /** Registers an Entra app, e.g. one Business Central does not know or that lacks permission sets. */
  addApp(app: AppRegistration): void;
  stop(): Promise<void>;
}

export async function startBusinessCentralSandbox(
  options: BusinessCentralSandboxOptions = {},
): Promise<BusinessCentralSandbox> {
  const { port, tokenTtlSeconds = 3599, stateFile, seed, ...limits } = options;
  if (!(tokenTtlSeconds > 0)) throw new Error('tokenTtlSeconds must be > 0');
  const governance = new Governance(limits);
  const store = await Store.open(stateFile, seed ?? true);
  const auth = new Auth(store, SANDBOX_TENANT_ID, tokenTtlSeconds);
  let baseUrl = '';
  const ctx = {
    store,
    auth,
    governance,
    tenantId: SANDBOX_TENANT_ID,
    environment: SANDBOX_ENVIRONMENT,
    companyId: SANDBOX_COMPANY_ID,
    baseUrl: () => baseUrl,
    takeConflict: () => governance.takeConflict(),
  };

  const router = new Router();
  router
    .use('/v2.0/', governance.record)
    .use('/v2.0/', governance.faults)
    .use('/v2.0/', auth.requireBearer)
    .use('/v2.0/', governance.limits)
    .on('GET', '/v2.0/*', (req) => handleApi(ctx, req))
    .on('POST', '/v2.0/*', (req) => handleApi(ctx, req))
    .on('PATCH', '/v2.0/*', (req) => handleApi(ctx, req))
    .on('PUT', '/v2.0/*', (req) => handleApi(ctx, req))
    .on('DELETE', '/v2.0/*', (req) => handleApi(ctx, req))
    .on('GET', '/_sandbox/state', () =>
      json(200, {
        tenantId: SANDBOX_TENANT_ID,
        environment: SANDBOX_ENVIRONMENT,
        companyId: SANDBOX_COMPANY_ID,
        customers: store.state.customers,
        items: store.state.items,
        salesOrders: store.state.salesOrders,
        apps: store.state.apps.map(({ clientSecret: _secret, ...app }) => app),
        config: governance.config,
      }),
    );
  // The token endpoint sits outside /v2.0: the log and latency wrap it explicitly.
  router.use('/', async (req, next) =>
    req.path.endsWith('/oauth2/v2.0/token') ? governance.record(req, () => governance.faults(req, next)) : next(),
  );
  router.on('POST', '/:tenant/oauth2/v2.0/token', auth.tokenEndpoint);
  registerErpControlRoutes(router, businessCentralControl(ctx));
  for (const method of ['GET', 'POST', 'PATCH']) {
    router.on(method, '/:tenant/oauth2/*', () => bcError(404, 'BadRequest_NotFound', 'Not found.'));
  }
  const server = await serve(router, port ?? 0);
  baseUrl = server.url;
  return {
    url: server.url,
    tenantId: SANDBOX_TENANT_ID,
    environment: SANDBOX_ENVIRONMENT,
    companyId: SANDBOX_COMPANY_ID,
    configure: (changes) => governance.configure(changes),
    addApp: (app) => store.registerApp(app),
    stop: async () => {
      await server.stop();
      await store.close();
    },
  };
}
