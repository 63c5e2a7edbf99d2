// Account governance and fault injection: the shared concurrency limit (REST, SOAP and RESTlets
// draw from one pool in NetSuite), added latency, a switchable outage, and a log of every call.
import { type Middleware, type SandboxRequest, type SandboxResponse, sleep } from '../http';
import { RequestLog, type RequestLogEntry } from '../request-log';
import { nsError } from './errors';

export interface GovernanceConfig {
  latencyMs: number;
  concurrencyLimit: number;
  /** Slots held by integrations and scripts the hub cannot see, which share the account's limit. */
  heldByOthers: number;
  /** A concurrency limit the administrator allocated to the hub's integration (0: none). */
  integrationLimit: number;
  outage: boolean;
  /** The next this many record creates (POST) are committed, but their answers are lost. */
  dropNextCreates: number;
}

export interface GovernanceStats {
  requests: number;
  throttled: number;
  peakInFlight: number;
}

export type { RequestLogEntry } from '../request-log';

const RECORD_PREFIX = '/services/rest/record/';

export class Governance {
  readonly config: GovernanceConfig;
  readonly stats: GovernanceStats = { requests: 0, throttled: 0, peakInFlight: 0 };
  private inFlight = 0;
  private readonly log = new RequestLog();

  constructor(config: GovernanceConfig) {
    this.config = { ...config };
  }

  /** Applies validated changes; throws a message fit for a 400 when a value is out of range. */
  configure(changes: Partial<GovernanceConfig>): GovernanceConfig {
    const next = { ...this.config, ...definedOnly(changes) };
    validateConfig(next);
    Object.assign(this.config, next);
    return { ...this.config };
  }

  requests(): RequestLogEntry[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** Outermost: every /services call is counted and logged with its final status. */
  readonly recordRequests: Middleware = (req, next) => {
    this.stats.requests += 1;
    return this.log.record(req, next);
  };

  /** Concurrency slot (record API only), then latency, then the outage switch. */
  readonly enforce: Middleware = async (req, next) => {
    if (!isRecordRequest(req)) return this.delayed(next);
    const allocated = this.config.integrationLimit > 0 ? this.config.integrationLimit : Number.POSITIVE_INFINITY;
    if (this.inFlight + this.config.heldByOthers >= this.config.concurrencyLimit || this.inFlight >= allocated) {
      this.stats.throttled += 1;
      return nsError(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.');
    }
    this.inFlight += 1;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
    try {
      // The slot is held through the latency, as a slow real request would hold it.
      const response = await this.delayed(next);
      if (req.method === 'POST' && response.status < 300 && this.config.dropNextCreates > 0) {
        this.config.dropNextCreates -= 1;
        return { ...response, drop: true };
      }
      return response;
    } finally {
      this.inFlight -= 1;
    }
  };

  /** REST governanceLimits as NetSuite answers it, with or without a limit allocated to the integration. */
  governanceLimits(): Record<string, number | string> {
    const { concurrencyLimit, integrationLimit } = this.config;
    const common = {
      accountConcurrencyLimit: concurrencyLimit,
      accountUnallocatedConcurrencyLimit: concurrencyLimit - integrationLimit,
    };
    return integrationLimit > 0
      ? { ...common, integrationConcurrencyLimit: integrationLimit, integrationLimitType: 'integrationSpecific' }
      : { ...common, integrationLimitType: 'accountLimit' };
  }

  private async delayed(next: () => Promise<SandboxResponse>): Promise<SandboxResponse> {
    if (this.config.latencyMs > 0) await sleep(this.config.latencyMs);
    if (this.config.outage) {
      return nsError(
        503,
        'SERVICE_UNAVAILABLE',
        'The NetSuite service is temporarily unavailable. Please try again later.',
      );
    }
    return next();
  }
}

function isRecordRequest(req: SandboxRequest): boolean {
  return req.path.startsWith(RECORD_PREFIX);
}

function definedOnly(changes: Partial<GovernanceConfig>): Partial<GovernanceConfig> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

export function validateConfig(config: GovernanceConfig): void {
  if (typeof config.latencyMs !== 'number' || !Number.isFinite(config.latencyMs) || config.latencyMs < 0) {
    throw new Error('latencyMs must be a number >= 0');
  }
  if (!Number.isInteger(config.concurrencyLimit) || config.concurrencyLimit < 1) {
    throw new Error('concurrencyLimit must be an integer >= 1');
  }
  if (!Number.isInteger(config.heldByOthers) || config.heldByOthers < 0) {
    throw new Error('heldByOthers must be an integer >= 0');
  }
  if (
    !Number.isInteger(config.integrationLimit) ||
    config.integrationLimit < 0 ||
    config.integrationLimit > config.concurrencyLimit
  ) {
    throw new Error('integrationLimit must be an integer from 0 (none) to concurrencyLimit');
  }
  if (typeof config.outage !== 'boolean') throw new Error('outage must be a boolean');
  if (!Number.isInteger(config.dropNextCreates) || config.dropNextCreates < 0) {
    throw new Error('dropNextCreates must be an integer >= 0');
  }
}
