// What the REST API and the control API share: the org's parts and its adjustable settings.
import type { RequestLog } from '../request-log';
import type { SessionRegistry } from './auth';
import type { OutboundMessenger } from './outbound-messages';
import type { RecordStore } from './store';

export interface RuntimeConfig {
  latencyMs: number;
  dailyApiLimit: number;
  sessionTtlSeconds: number;
}

export interface SandboxContext {
  orgId: string;
  /** The sandbox's base URL, known once the server listens. */
  url(): string;
  config: RuntimeConfig;
  store: RecordStore;
  messenger: OutboundMessenger;
  sessions: SessionRegistry;
  usage: ApiUsage;
  requests: RequestLog;
}

/** REST calls counted against the org's daily allowance, which resets at midnight UTC. */
export class ApiUsage {
  private used = 0;
  private day = currentDay();

  /** Counts one call; false (and not counted) when the allowance is spent. */
  tryConsume(limit: number): boolean {
    this.rollOver();
    if (this.used >= limit) return false;
    this.used += 1;
    return true;
  }

  snapshot(limit: number): { used: number; limit: number } {
    this.rollOver();
    return { used: this.used, limit };
  }

  private rollOver(): void {
    const today = currentDay();
    if (today === this.day) return;
    this.day = today;
    this.used = 0;
  }
}

function currentDay(): string {
  return new Date().toISOString().slice(0, 10);
}

export { RequestLog, type RequestLogEntry } from '../request-log';
