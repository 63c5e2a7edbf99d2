// Starts the NetSuite sandbox: SuiteTalk REST (OAuth 2.0 M2M token endpoint, record API,
// governance limits) under /services, and the control API under /_sandbox.
import { registerErpControlRoutes } from '../erp-sandbox';
import { Router, serve } from '../http';
import { AuthService, TOKEN_PATH } from './auth';
import { registerControlRoutes } from './control';
import { netSuiteControl } from './erp-control';
import { nsError, resource } from './errors';
import { Governance, type GovernanceConfig, validateConfig } from './governance';
import type { ClientRegistration } from './model';
import { registerRecordRoutes } from './records';
import { SandboxStore } from './store';

export interface NetSuiteSandboxOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default 'TSTDRV1234567' */
  accountId?: string;
  /** OAuth 2.0 M2M integrations (a certificate mapped to each integration). */
  clients?: ClientRegistration[];
  /** Added to every /services/rest/** response, token endpoint included. @default 0 */
  latencyMs?: number;
  /** In-flight /services/rest/record/** requests allowed. @default 5 (Standard tier) */
  concurrencyLimit?: number;
  /** A concurrency limit allocated to the hub's integration, as governanceLimits reports it. */
  integrationLimit?: number;
  /** When true, every /services/** call answers 503. @default false */
  outage?: boolean;
  /** @default 3600 */
  tokenTtlSeconds?: number;
  /** Loaded on start; saved (debounced, and on stop) after changes. */
  stateFile?: string;
  /** Catalog items and the catalog accounts that have a `netsuite` entry. @default true */
  seed?: boolean;
}

export interface NetSuiteSandbox {
  /** http://127.0.0.1:<port>; REST base = `${url}/services/rest` */
  url: string;
  accountId: string;
  configure(changes: Partial<Pick<NetSuiteSandboxOptions, 'latencyMs' | 'concurrencyLimit' | 'outage'>>): void;
  addClient(client: ClientRegistration): void;
  stop(): Promise<void>;
}

const DEFAULT_ACCOUNT_ID = 'TSTDRV1234567';
const DEFAULT_CONCURRENCY_LIMIT = 5;
const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export async function startNetSuiteSandbox(options: NetSuiteSandboxOptions = {}): Promise<NetSuiteSandbox> {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!(tokenTtlSeconds > 0)) throw new Error('tokenTtlSeconds must be > 0');
  const governance = new Governance(initialConfig(options));
  const store = await SandboxStore.open(options.stateFile, options.seed ?? true);

  // The routes need the URL for Location headers and token audiences; it exists once listening.
  let baseUrl = '';
  const auth = new AuthService({
    store,
    accountId,
    tokenTtlSeconds,
    clients: options.clients ?? [],
    baseUrl: () => baseUrl,
  });
  const router = buildRouter({ store, baseUrl: () => baseUrl, accountId, governance, auth });
  const server = await serve(router, options.port ?? 0);
  baseUrl = server.url;

  return {
    url: server.url,
    accountId,
    configure: (changes) => {
      governance.configure(changes);
    },
    addClient: (client) => auth.addClient(client),
    stop: async () => {
      await server.stop();
      await store.close();
    },
  };
}

function initialConfig(options: NetSuiteSandboxOptions): GovernanceConfig {
  const config = {
    latencyMs: options.latencyMs ?? 0,
    concurrencyLimit: options.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT,
    heldByOthers: 0,
    integrationLimit: options.integrationLimit ?? 0,
    outage: options.outage ?? false,
    dropNextCreates: 0,
  };
  validateConfig(config);
  return config;
}

interface ServerContext {
  store: SandboxStore;
  baseUrl: () => string;
  accountId: string;
  governance: Governance;
  auth: AuthService;
}

function buildRouter(ctx: ServerContext): Router {
  const router = new Router();
  // Order matters: log everything, then governance (429/latency/503), then authentication.
  router
    .use('/services', ctx.governance.recordRequests)
    .use('/services', ctx.governance.enforce)
    .use('/services/rest/record/', ctx.auth.requireBearer)
    .use('/services/rest/system/', ctx.auth.requireBearer);

  router
    .on('POST', TOKEN_PATH, ctx.auth.tokenEndpoint)
    .on('GET', '/services/rest/system/v1/governanceLimits', () => resource(ctx.governance.governanceLimits()));
  registerRecordRoutes(router, ctx);
  for (const method of ALL_METHODS) {
    router.on(method, '/services/*', (req) =>
      nsError(404, 'NONEXISTENT_ID', `The NetSuite sandbox does not serve ${req.method} ${req.path}.`),
    );
  }
  registerControlRoutes(router, ctx);
  registerErpControlRoutes(router, netSuiteControl(ctx));
  return router;
}
