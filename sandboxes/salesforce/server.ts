// The Salesforce sandbox: a local org that speaks the real REST and OAuth contracts under
// /services, sends the Opportunity Outbound Message, and offers a control API under /_sandbox.
import { SANDBOX_ORG_ID } from '../catalog';
import { Router, serve } from '../http';
import { type ConnectedApp, SessionRegistry } from './auth';
import { ApiUsage, RequestLog, type RuntimeConfig, type SandboxContext } from './context';
import { registerControlApi } from './control-api';
import { registerHubSetup } from './hub-setup';
import { derivedId, IdGenerator, KEY_PREFIXES } from './ids';
import {
  OutboundMessenger,
  type OutboundSettings,
  outboundFields,
  type WorkflowEvaluation,
  workflowRuleFires,
} from './outbound-messages';
import { DebouncedSaver, loadState, type PersistedState } from './persistence';
import { registerRestApi } from './rest-api';
import { seedCatalog } from './seed';
import { RecordStore } from './store';

export interface SalesforceSandboxOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default SANDBOX_ORG_ID from ../catalog */
  orgId?: string;
  /** Connected apps allowed to use the client-credentials flow. @default [{clientId:'hub-local', clientSecret:'hub-local-secret'}] */
  clients?: { clientId: string; clientSecret: string }[];
  /** Added before every response under /services (token endpoint too). @default 0 */
  latencyMs?: number;
  /** Sessions expire after this long without use. @default 7200 */
  sessionTtlSeconds?: number;
  /** REST calls (not token calls) allowed per day. @default 100000 */
  dailyApiLimit?: number;
  outboundMessage?: {
    /** Where the Opportunity outbound message is POSTed; can be set later. */
    endpointUrl?: string;
    /** First retry delay, doubling after each failure. @default 1000 */
    retryBaseMs?: number;
    /** Cap between attempts. @default 2 h, as Salesforce */
    retryMaxMs?: number;
    /** Notifications older than this are dropped ('expired'). @default 24 h */
    maxAgeMs?: number;
    /** Workflow rule evaluation criteria. @default 'every-edit' */
    evaluation?: WorkflowEvaluation;
  };
  /** When set: records and outbox are loaded on start and saved (debounced, and on stop) after changes. */
  stateFile?: string;
  /** Seed the catalog accounts, products, standard price book and its entries. @default true */
  seed?: boolean;
}

export interface SalesforceSandbox {
  /** http://127.0.0.1:<port> */
  url: string;
  orgId: string;
  setOutboundEndpoint(url: string | undefined): void;
  /** Stops retries and timers, saves state if stateFile, closes the server. */
  stop(): Promise<void>;
}

const DEFAULT_CLIENTS: ConnectedApp[] = [{ clientId: 'hub-local', clientSecret: 'hub-local-secret' }];
const HOUR_MS = 60 * 60 * 1000;

export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const orgId = options.orgId ?? SANDBOX_ORG_ID;
  const config = runtimeConfig(options);
  const outbound = outboundSettings(options);
  const evaluation = options.outboundMessage?.evaluation ?? 'every-edit';
  const saved = options.stateFile ? await loadState(options.stateFile) : undefined;
  const ids = new IdGenerator(saved?.idCounters);
  let url = '';
  let saver: DebouncedSaver | undefined;

  const messenger: OutboundMessenger = new OutboundMessenger(outbound, {
    envelope: () => ({ orgId, actionId: derivedId(KEY_PREFIXES.WorkflowAction, orgId), instanceUrl: url }),
    currentFields: (recordId) => {
      const record = store.findLive(recordId);
      return record && outboundFields(record);
    },
    newNotificationId: () => ids.next(KEY_PREFIXES.OutboundNotification),
    onChange: () => saver?.schedule(),
  });
  const store: RecordStore = new RecordStore(ids, {
    onSave: (event) => {
      if (workflowRuleFires(event, evaluation)) messenger.enqueue(event.type, event.id, outboundFields(event.record));
    },
    onChange: () => saver?.schedule(),
  });

  if (options.stateFile) {
    const capture = (): PersistedState => ({
      version: 1,
      orgId,
      idCounters: ids.snapshot(),
      records: store.snapshot(),
      outbox: messenger.snapshot(),
    });
    saver = new DebouncedSaver(options.stateFile, capture);
  }
  if (saved) {
    store.load(saved.records);
    messenger.load(saved.outbox);
  } else if (options.seed ?? true) {
    seedCatalog(store);
  }

  const clients = options.clients ?? DEFAULT_CLIENTS;
  const ctx: SandboxContext = {
    orgId,
    url: () => url,
    config,
    store,
    messenger,
    sessions: new SessionRegistry(orgId, clients, () => config.sessionTtlSeconds),
    usage: new ApiUsage(),
    requests: new RequestLog(),
  };
  const router = new Router();
  registerRestApi(router, ctx);
  registerControlApi(router, ctx);
  registerHubSetup(router, ctx, clients[0]);
  const server = await serve(router, options.port ?? 0);
  url = server.url;
  messenger.start();

  let stopping: Promise<void> | undefined;
  return {
    url,
    orgId,
    setOutboundEndpoint: (endpointUrl) => messenger.setEndpoint(endpointUrl),
    stop: () => {
      stopping ??= (async () => {
        messenger.stop();
        await server.stop();
        await saver?.close();
      })();
      return stopping;
    },
  };
}

function runtimeConfig(options: SalesforceSandboxOptions): RuntimeConfig {
  const config = {
    latencyMs: options.latencyMs ?? 0,
    dailyApiLimit: options.dailyApiLimit ?? 100_000,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 7200,
  };
  for (const [key, value] of Object.entries(config)) requireNonNegative(key, value);
  return config;
}

function outboundSettings(options: SalesforceSandboxOptions): OutboundSettings {
  const om = options.outboundMessage ?? {};
  const settings = {
    endpointUrl: om.endpointUrl,
    retryBaseMs: om.retryBaseMs ?? 1000,
    retryMaxMs: om.retryMaxMs ?? 2 * HOUR_MS,
    maxAgeMs: om.maxAgeMs ?? 24 * HOUR_MS,
  };
  requireNonNegative('outboundMessage.retryBaseMs', settings.retryBaseMs);
  requireNonNegative('outboundMessage.retryMaxMs', settings.retryMaxMs);
  requireNonNegative('outboundMessage.maxAgeMs', settings.maxAgeMs);
  if (om.evaluation !== undefined && om.evaluation !== 'every-edit' && om.evaluation !== 'transition') {
    throw new Error(`outboundMessage.evaluation must be 'every-edit' or 'transition', got ${String(om.evaluation)}`);
  }
  return settings;
}

function requireNonNegative(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`Salesforce sandbox option ${name} must be a non-negative number, got ${String(value)}`);
  }
}
