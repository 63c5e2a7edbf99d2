// What stands around the Odoo server: the reverse proxy's rate limit (Odoo.sh, nginx), added
// latency, a switchable outage, lost answers, and Odoo's own login cooldown after failed logins.
import { type Middleware, sleep } from '../http';
import { RequestLog, type RequestLogEntry } from '../request-log';
import { proxyPage } from './errors';

export interface GovernanceConfig {
  latencyMs: number;
  outage: boolean;
  /** The next this many creates are committed, but their answers are lost. */
  dropNextCreates: number;
  /** Requests the proxy lets through per window; beyond, 429 with Retry-After. */
  rateLimitRequests: number;
  rateLimitWindowSeconds: number;
  /** Failed logins before Odoo's cooldown starts (base.login_cooldown_after); 0 turns it off. */
  loginCooldownAfter: number;
  /** How long the cooldown lasts after the last failure (base.login_cooldown_duration). */
  loginCooldownSeconds: number;
}

export const DEFAULT_CONFIG: GovernanceConfig = {
  latencyMs: 0,
  outage: false,
  dropNextCreates: 0,
  rateLimitRequests: 600,
  rateLimitWindowSeconds: 60,
  loginCooldownAfter: 5,
  loginCooldownSeconds: 60,
};

export class Governance {
  readonly config: GovernanceConfig;
  readonly stats = { requests: 0, throttled: 0, failedLogins: 0 };
  private readonly log = new RequestLog();
  private window = { startedAt: 0, count: 0 };
  private failures = { count: 0, lastAt: 0 };

  constructor(config: GovernanceConfig) {
    validateConfig(config);
    this.config = { ...config };
  }

  /** Applies validated changes; the rate window and the failed logins start over. */
  configure(changes: Partial<GovernanceConfig>): GovernanceConfig {
    const defined = Object.fromEntries(
      Object.entries(changes).filter(([key, value]) => value !== undefined && key in DEFAULT_CONFIG),
    );
    const next = { ...this.config, ...defined };
    validateConfig(next);
    Object.assign(this.config, next);
    this.window = { startedAt: 0, count: 0 };
    this.failures = { count: 0, lastAt: 0 };
    return { ...this.config };
  }

  requests(): RequestLogEntry[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
  }

  readonly recordRequests: Middleware = (req, next) => {
    this.stats.requests += 1;
    return this.log.record(req, next);
  };

  /** The proxy's rate limit first (it answers without reaching Odoo), then latency and outage. */
  readonly enforce: Middleware = async (_req, next) => {
    const now = Date.now();
    const windowMs = this.config.rateLimitWindowSeconds * 1000;
    if (now - this.window.startedAt >= windowMs) this.window = { startedAt: now, count: 0 };
    if (this.window.count >= this.config.rateLimitRequests) {
      this.stats.throttled += 1;
      const retryAfter = Math.max(1, Math.ceil((this.window.startedAt + windowMs - now) / 1000));
      return proxyPage(429, 'Too Many Requests', { 'retry-after': String(retryAfter) });
    }
    this.window.count += 1;
    if (this.config.latencyMs > 0) await sleep(this.config.latencyMs);
    if (this.config.outage) return proxyPage(503, 'Service Temporarily Unavailable');
    return next();
  };

  /** True while Odoo refuses every login, right or wrong, after too many failures. */
  loginCoolingDown(): boolean {
    const { loginCooldownAfter, loginCooldownSeconds } = this.config;
    if (loginCooldownAfter === 0 || this.failures.count < loginCooldownAfter) return false;
    if (Date.now() - this.failures.lastAt < loginCooldownSeconds * 1000) return true;
    this.failures = { count: 0, lastAt: 0 };
    return false;
  }

  loginFailed(): void {
    this.stats.failedLogins += 1;
    this.failures = { count: this.failures.count + 1, lastAt: Date.now() };
  }

  /** Whether this create's answer is to be lost (its work is already committed). */
  takeDrop(): boolean {
    if (this.config.dropNextCreates <= 0) return false;
    this.config.dropNextCreates -= 1;
    return true;
  }
}

export function validateConfig(config: GovernanceConfig): void {
  const nonNegative = (name: keyof GovernanceConfig, integer: boolean) => {
    const value = config[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} >= 0`);
    }
  };
  nonNegative('latencyMs', false);
  nonNegative('dropNextCreates', true);
  nonNegative('loginCooldownAfter', true);
  nonNegative('loginCooldownSeconds', false);
  if (!Number.isInteger(config.rateLimitRequests) || config.rateLimitRequests < 1) {
    throw new Error('rateLimitRequests must be an integer >= 1');
  }
  if (!(typeof config.rateLimitWindowSeconds === 'number' && config.rateLimitWindowSeconds > 0)) {
    throw new Error('rateLimitWindowSeconds must be a number > 0');
  }
  if (typeof config.outage !== 'boolean') throw new Error('outage must be a boolean');
}
