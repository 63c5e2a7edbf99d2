// Starts the SAP S/4HANA sandbox: the OAuth 2.0 token endpoint and the OData services under
// /sap (governed: rate limit, latency, outage, request log), and the control API under /_sandbox.
import { registerErpControlRoutes } from '../erp-sandbox';
import { Router, serve, text } from '../http';
import { AuthService, TOKEN_PATH } from './auth';
import type { TenantContext } from './context';
import { registerControlRoutes } from './control';
import { CsrfSessions } from './csrf';
import { sapControl } from './erp-control';
import { registerGatewayRoutes } from './gateway';
import { DEFAULT_CONFIG, Governance, type GovernanceConfig } from './governance';
import type { CommunicationUser } from './model';
import { SandboxStore } from './store';

export interface SapSandboxOptions extends Partial<GovernanceConfig> {
  /** @default 0 (a free port) */
  port?: number;
  /** Loaded on start; saved (debounced, and on stop) after changes. */
  stateFile?: string;
  /** Catalog products and the catalog accounts finance set up. @default true */
  seed?: boolean;
  /** Communication users known from the start (also written to the state file). */
  users?: CommunicationUser[];
}

export interface SapSandbox {
  /** http://127.0.0.1:<port>; OData services under `${url}/sap/opu/odata/sap/`. */
  url: string;
  configure(changes: Partial<GovernanceConfig>): GovernanceConfig;
  stop(): Promise<void>;
}

export async function startSapSandbox(options: SapSandboxOptions = {}): Promise<SapSandbox> {
  const { port, stateFile, seed, users, ...limits } = options;
  const governance = new Governance({
    ...DEFAULT_CONFIG,
    ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
  });
  const store = await SandboxStore.open(stateFile, seed ?? true);
  let baseUrl = '';
  const ctx: TenantContext = {
    store,
    governance,
    auth: new AuthService(store, () => governance.config.tokenTtlSeconds),
    csrf: new CsrfSessions(() => governance.config.sessionTtlSeconds),
    baseUrl: () => baseUrl,
  };
  for (const user of users ?? []) ctx.auth.setUser(user);
  const server = await serve(buildRouter(ctx), port ?? 0);
  baseUrl = server.url;
  return {
    url: server.url,
    configure: (changes) => governance.configure(changes),
    stop: async () => {
      await server.stop();
      await store.close();
    },
  };
}

function buildRouter(ctx: TenantContext): Router {
  const router = new Router();
  router.use('/sap', ctx.governance.recordRequests).use('/sap', ctx.governance.enforce);
  router.on('POST', TOKEN_PATH, ctx.auth.tokenEndpoint);
  registerGatewayRoutes(router, ctx);
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']) {
    router.on(method, '/sap/*', () => text(404, 'Not Found: the ICF service does not exist'));
  }
  registerControlRoutes(router, ctx);
  registerErpControlRoutes(router, sapControl(ctx));
  return router;
}
