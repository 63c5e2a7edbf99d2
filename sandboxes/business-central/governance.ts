// Operational limits of Business Central online: a per-principal sliding window of OData
// requests, 5 processed at a time with a bounded queue behind them, and a queue wait limit;
// plus the fault injection the tests use (latency, outage, lost answers) and the request log.
import { type Middleware, type SandboxResponse, sleep } from '../http';
import { RequestLog, type RequestLogEntry } from '../request-log';
import { bcError } from './errors';

export interface GovernanceConfig {
  latencyMs: number;
  outage: boolean;
  /** Requests per principal in the sliding window. @default 6000 */
  rateLimitRequests: number;
  /** @default 300 (5 minutes) */
  rateLimitWindowSeconds: number;
  /** Requests processed at once per principal. @default 5 */
  concurrencyLimit: number;
  /** Requests waiting behind them before further ones are refused. @default 95 */
  queueLimit: number;
  /** A queued request waiting longer is refused. @default 600000 */
  queueTimeoutMs: number;
  /** The next this many creates (POST) are committed, but their answers are lost. */
  dropNextCreates: number;
  /** The next this many PATCHes find the record changed by someone else since it was read. */
  conflictNextPatches: number;
}

export const DEFAULT_GOVERNANCE: GovernanceConfig = {
  latencyMs: 0,
  outage: false,
  rateLimitRequests: 6000,
  rateLimitWindowSeconds: 300,
  concurrencyLimit: 5,
  queueLimit: 95,
  queueTimeoutMs: 600_000,
  dropNextCreates: 0,
  conflictNextPatches: 0,
};

interface Lane {
  running: number;
  queue: (() => void)[];
  calls: number[];
}

export class Governance {
  readonly config: GovernanceConfig;
  private readonly lanes = new Map<string, Lane>();
  private readonly log = new RequestLog();

  constructor(config: Partial<GovernanceConfig>) {
    this.config = { ...DEFAULT_GOVERNANCE };
    this.configure(config);
  }

  configure(changes: Record<string, unknown>): GovernanceConfig {
    const next: Record<string, unknown> = { ...this.config };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      if (!(key in DEFAULT_GOVERNANCE)) throw new Error(`unknown setting ${key}`);
      next[key] = value;
    }
    validate(next as unknown as GovernanceConfig);
    Object.assign(this.config, next);
    return { ...this.config };
  }

  requests(): RequestLogEntry[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
  }

  readonly record: Middleware = (req, next) => this.log.record(req, next);

  /** The outage comes before authentication: an unreachable service checks nothing. */
  readonly faults: Middleware = async (req, next) => {
    const api = !req.path.includes('/oauth2/');
    // API calls spend their latency inside a concurrency slot (see limits), as slow requests do.
    if (!api && this.config.latencyMs > 0) await sleep(this.config.latencyMs);
    if (this.config.outage && api) {
      return bcError(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.', {
        'retry-after': '30',
      });
    }
    return next();
  };

  /** After authentication: the limits are per principal. */
  readonly limits: Middleware = async (req, next) => {
    const principal = String(req.headers['x-sandbox-principal'] ?? 'anonymous');
    const lane = this.lane(principal);
    const now = Date.now();
    const windowMs = this.config.rateLimitWindowSeconds * 1000;
    while (lane.calls.length > 0 && lane.calls[0] <= now - windowMs) lane.calls.shift();
    if (lane.calls.length >= this.config.rateLimitRequests) {
      const retryAfter = Math.max(1, Math.ceil((lane.calls[0] + windowMs - now) / 1000));
      return bcError(429, 'Application_TooManyRequests', 'Rate limit exceeded. Too many requests.', {
        'retry-after': String(retryAfter),
      });
    }
    lane.calls.push(now);
    if (lane.running >= this.config.concurrencyLimit) {
      if (lane.queue.length >= this.config.queueLimit) {
        return bcError(429, 'Application_TooManyRequests', 'Too many requests: the request queue is full.', {
          'retry-after': '1',
        });
      }
      const admitted = await this.wait(lane);
      if (!admitted) {
        return bcError(
          503,
          'Application_TooManyRequests',
          'The request was blocked due to operational limits: it waited in the request queue too long.',
          { 'retry-after': '5' },
        );
      }
    } else {
      lane.running += 1;
    }
    try {
      if (this.config.latencyMs > 0) await sleep(this.config.latencyMs);
      return await this.dropIfAsked(req.method, await next());
    } finally {
      const waiting = lane.queue.shift();
      if (waiting) waiting();
      else lane.running -= 1;
    }
  };

  /** True when this PATCH is to meet a concurrent change (counted down). */
  takeConflict(): boolean {
    if (this.config.conflictNextPatches === 0) return false;
    this.config.conflictNextPatches -= 1;
    return true;
  }

  private dropIfAsked(method: string, response: SandboxResponse): SandboxResponse {
    if (method === 'POST' && response.status === 201 && this.config.dropNextCreates > 0) {
      this.config.dropNextCreates -= 1;
      return { ...response, drop: true };
    }
    return response;
  }

  /** True once a slot is handed over (the running count stays), false on timeout. */
  private wait(lane: Lane): Promise<boolean> {
    return new Promise((resolve) => {
      const admit = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const index = lane.queue.indexOf(admit);
        if (index >= 0) lane.queue.splice(index, 1);
        resolve(false);
      }, this.config.queueTimeoutMs);
      timer.unref();
      lane.queue.push(admit);
    });
  }

  private lane(principal: string): Lane {
    let lane = this.lanes.get(principal);
    if (!lane) {
      lane = { running: 0, queue: [], calls: [] };
      this.lanes.set(principal, lane);
    }
    return lane;
  }
}

function validate(config: GovernanceConfig): void {
  const integer = (name: keyof GovernanceConfig, min: number) => {
    const value = config[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new Error(`${name} must be an integer >= ${min}`);
    }
  };
  if (typeof config.latencyMs !== 'number' || !Number.isFinite(config.latencyMs) || config.latencyMs < 0) {
    throw new Error('latencyMs must be a number >= 0');
  }
  if (typeof config.outage !== 'boolean') throw new Error('outage must be a boolean');
  integer('rateLimitRequests', 1);
  integer('rateLimitWindowSeconds', 1);
  integer('concurrencyLimit', 1);
  integer('queueLimit', 0);
  integer('queueTimeoutMs', 1);
  integer('dropNextCreates', 0);
  integer('conflictNextPatches', 0);
}
