// The tenant's limits and fault injection: a request rate limit answered either as S/4HANA's
// own gateway does (429 with Retry-After) or as SAP API Management's Spike Arrest policy does
// in front of it (its fault body, with status 500 by default: a throttle that looks like an
// outage), added latency, a switchable outage, answers lost after the work is done, concurrent
// edits of business partners, and the log of every call.
import { json, type Middleware, type SandboxResponse, sleep, text } from '../http';
import { RequestLog, type RequestLogEntry } from '../request-log';

export type RateLimitStyle = 'gateway' | 'api-management';

export interface GovernanceConfig {
  latencyMs: number;
  outage: boolean;
  /** Requests allowed per window, over all callers; 0 turns the limit off. */
  rateLimitRequests: number;
  rateLimitWindowSeconds: number;
  rateLimitStyle: RateLimitStyle;
  /** Idle time after which a session (and its CSRF token) ends. */
  sessionTtlSeconds: number;
  tokenTtlSeconds: number;
  /** The next this many sales order creates are committed, but their answers are lost. */
  dropNextCreates: number;
  /** The next this many business partner PATCHes meet an edit someone made since the read. */
  conflictNextPatches: number;
}

export const DEFAULT_CONFIG: GovernanceConfig = {
  latencyMs: 0,
  outage: false,
  rateLimitRequests: 1200,
  rateLimitWindowSeconds: 60,
  rateLimitStyle: 'gateway',
  sessionTtlSeconds: 1800,
  tokenTtlSeconds: 3600,
  dropNextCreates: 0,
  conflictNextPatches: 0,
};

export class Governance {
  readonly config: GovernanceConfig;
  readonly stats = { requests: 0, throttled: 0 };
  private readonly log = new RequestLog();
  private window = { startedAt: 0, count: 0 };

  constructor(config: GovernanceConfig) {
    validateConfig(config);
    this.config = { ...config };
  }

  configure(changes: Partial<GovernanceConfig>): GovernanceConfig {
    const next = {
      ...this.config,
      ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
    };
    validateConfig(next);
    const limitChanged =
      next.rateLimitRequests !== this.config.rateLimitRequests ||
      next.rateLimitWindowSeconds !== this.config.rateLimitWindowSeconds;
    Object.assign(this.config, next);
    if (limitChanged) this.window = { startedAt: 0, count: 0 };
    return { ...this.config };
  }

  requests(): RequestLogEntry[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** Takes one drop or conflict from the budget: true when this request gets it. */
  take(budget: 'dropNextCreates' | 'conflictNextPatches'): boolean {
    if (this.config[budget] <= 0) return false;
    this.config[budget] -= 1;
    return true;
  }

  readonly recordRequests: Middleware = (req, next) => {
    this.stats.requests += 1;
    return this.log.record(req, next);
  };

  /** Rate limit first (a throttled call costs the tenant nothing), then latency, then the outage. */
  readonly enforce: Middleware = async (_req, next) => {
    const throttled = this.throttle();
    if (throttled) {
      this.stats.throttled += 1;
      return throttled;
    }
    if (this.config.latencyMs > 0) await sleep(this.config.latencyMs);
    if (this.config.outage) {
      return {
        status: 503,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<html><head><title>Service Unavailable</title></head><body><h1>503 Service Unavailable</h1><p>No server is available to handle this request.</p></body></html>',
      };
    }
    return next();
  };

  private throttle(): SandboxResponse | undefined {
    const { rateLimitRequests: limit, rateLimitWindowSeconds: seconds, rateLimitStyle } = this.config;
    if (limit === 0) return undefined;
    const now = Date.now();
    if (now - this.window.startedAt >= seconds * 1000) this.window = { startedAt: now, count: 0 };
    this.window.count += 1;
    if (this.window.count <= limit) return undefined;
    if (rateLimitStyle === 'api-management') {
      return json(500, {
        fault: {
          faultstring: `Spike arrest violation. Allowed rate : ${limit}p${seconds === 1 ? 's' : 'm'}`,
          detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' },
        },
      });
    }
    const retryAfter = Math.max(1, Math.ceil((this.window.startedAt + seconds * 1000 - now) / 1000));
    return text(429, 'Too Many Requests', { 'retry-after': String(retryAfter) });
  }
}

export function validateConfig(config: GovernanceConfig): void {
  const nonNegative = (name: keyof GovernanceConfig) => {
    const value = config[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new Error(`${name} must be a number >= 0`);
  };
  const integer = (name: keyof GovernanceConfig) => {
    if (!Number.isInteger(config[name]) || (config[name] as number) < 0)
      throw new Error(`${name} must be an integer >= 0`);
  };
  const positive = (name: keyof GovernanceConfig) => {
    const value = config[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new Error(`${name} must be a number > 0`);
  };
  nonNegative('latencyMs');
  if (typeof config.outage !== 'boolean') throw new Error('outage must be a boolean');
  integer('rateLimitRequests');
  positive('rateLimitWindowSeconds');
  if (config.rateLimitStyle !== 'gateway' && config.rateLimitStyle !== 'api-management') {
    throw new Error("rateLimitStyle must be 'gateway' or 'api-management'");
  }
  positive('sessionTtlSeconds');
  positive('tokenTtlSeconds');
  integer('dropNextCreates');
  integer('conflictNextPatches');
}
