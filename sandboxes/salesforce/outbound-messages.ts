// The Opportunity workflow rule and its Outbound Message: notifications are queued on qualifying
// saves and delivered at least once, batched up to 100 per SOAP message, retried with exponential
// backoff until acknowledged or too old, the way Salesforce's background sender behaves.
import { randomUUID } from 'node:crypto';
import { buildNotificationsEnvelope, type EnvelopeContext, postSoap, readAck } from './soap';
import type { SaveEvent } from './store';
import type { RecordFields } from './values';

export type WorkflowEvaluation = 'every-edit' | 'transition';

export type NotificationStatus = 'pending' | 'in-flight' | 'acknowledged' | 'expired';

/** The fields chosen for the outbound message definition. */
export const OUTBOUND_MESSAGE_FIELDS = [
  'Id',
  'Name',
  'AccountId',
  'StageName',
  'Amount',
  'CloseDate',
  'CurrencyIsoCode',
  'Pricebook2Id',
  'LastModifiedDate',
] as const;

const MAX_NOTIFICATIONS_PER_MESSAGE = 100;
const MAX_SETTLED_ENTRIES = 10_000;
const MAX_DELIVERY_LOG = 10_000;
/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The hub's write-back fields: saves touching only these must not re-fire the rule. */
const WRITE_BACK_FIELD = /^ERP_/;

/**
 * Rule criteria: StageName = 'Closed Won' and the save changed something besides the ERP_*
 * write-back fields (a real org expresses this as a formula with NOT(ISCHANGED(...))).
 * 'transition' fires only when the save is what made the record Closed Won.
 */
export function workflowRuleFires(event: SaveEvent, evaluation: WorkflowEvaluation): boolean {
  if (event.type !== 'Opportunity' || event.record.StageName !== 'Closed Won') return false;
  if (event.created) return true;
  if (evaluation === 'transition') return event.changedFields.includes('StageName');
  return event.changedFields.some((field) => !WRITE_BACK_FIELD.test(field));
}

export function outboundFields(record: RecordFields): RecordFields {
  const fields: RecordFields = {};
  for (const name of OUTBOUND_MESSAGE_FIELDS) fields[name] = record[name] ?? null;
  return fields;
}

export interface OutboxEntry {
  notificationId: string;
  objectType: string;
  recordId: string;
  status: NotificationStatus;
  attempts: number;
  enqueuedAt: number;
  nextAttemptAt: number;
  lastAttemptAt?: number;
  acknowledgedAt?: number;
  lastError?: string;
  /** The values last sent: refreshed from the record at each attempt, reused by redelivery. */
  fields: RecordFields;
}

export interface DeliveryLogEntry {
  messageId: string;
  notificationIds: string[];
  startedAt: string;
  finishedAt: string;
  outcome: 'acknowledged' | 'failed';
  httpStatus?: number;
  error?: string;
  redelivery?: boolean;
}

export interface OutboundSettings {
  endpointUrl?: string;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAgeMs: number;
}

export interface OutboundDependencies {
  envelope(): EnvelopeContext;
  /** Current message fields of a record, or undefined once it is gone. */
  currentFields(recordId: string): RecordFields | undefined;
  newNotificationId(): string;
  onChange(): void;
}

export type RedeliverOutcome = 'accepted' | 'not-found' | 'not-acknowledged' | 'no-endpoint' | 'busy';

interface SendOutcome {
  ok: boolean;
  httpStatus?: number;
  error?: string;
}

export class OutboundMessenger {
  private readonly outbox = new Map<string, OutboxEntry>();
  private readonly deliveries: DeliveryLogEntry[] = [];
  private readonly inFlight = new Set<AbortController>();
  private readonly redelivering = new Set<string>();
  private timer?: NodeJS.Timeout;
  private dispatchQueued = false;
  private stopped = false;

  constructor(
    private readonly settings: OutboundSettings,
    private readonly deps: OutboundDependencies,
  ) {}

  get endpointUrl(): string | undefined {
    return this.settings.endpointUrl;
  }

  setEndpoint(url: string | undefined): void {
    this.settings.endpointUrl = url;
    this.schedule();
  }

  enqueue(objectType: string, recordId: string, fields: RecordFields): OutboxEntry {
    const now = Date.now();
    const entry: OutboxEntry = {
      notificationId: this.deps.newNotificationId(),
      objectType,
      recordId,
      status: 'pending',
      attempts: 0,
      enqueuedAt: now,
      nextAttemptAt: now,
      fields,
    };
    this.outbox.set(entry.notificationId, entry);
    this.deps.onChange();
    this.schedule();
    return entry;
  }

  /** Restores a saved outbox; messages cut off by a stop are simply pending again. */
  load(entries: readonly OutboxEntry[]): void {
    for (const saved of entries) {
      const entry = structuredClone(saved);
      if (entry.status === 'in-flight') entry.status = 'pending';
      this.outbox.set(entry.notificationId, entry);
    }
  }

  snapshot(): OutboxEntry[] {
    return [...this.outbox.values()].map((e) => structuredClone(e));
  }

  view() {
    const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());
    return [...this.outbox.values()].map((e) => ({
      notificationId: e.notificationId,
      recordId: e.recordId,
      status: e.status,
      attempts: e.attempts,
      enqueuedAt: iso(e.enqueuedAt),
      lastAttemptAt: iso(e.lastAttemptAt),
      acknowledgedAt: iso(e.acknowledgedAt),
      nextAttemptAt: e.status === 'pending' ? iso(e.nextAttemptAt) : null,
      lastError: e.lastError ?? null,
    }));
  }

  deliveryLog(): DeliveryLogEntry[] {
    return [...this.deliveries];
  }

  clearDeliveryLog(): void {
    this.deliveries.length = 0;
  }

  start(): void {
    this.schedule();
  }

  /** Sends an acknowledged notification once more in a message of its own (a duplicate delivery). */
  redeliver(notificationId: string): RedeliverOutcome {
    const entry = this.outbox.get(notificationId);
    if (!entry) return 'not-found';
    if (entry.status !== 'acknowledged') return 'not-acknowledged';
    const url = this.settings.endpointUrl;
    if (!url) return 'no-endpoint';
    if (this.redelivering.has(notificationId)) return 'busy';
    this.redelivering.add(notificationId);
    void this.send(url, [entry], true).finally(() => this.redelivering.delete(notificationId));
    return 'accepted';
  }

  /** Stops sending: aborts messages in flight (their notifications stay pending) and timers. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const controller of this.inFlight) controller.abort();
    const now = Date.now();
    for (const entry of this.outbox.values()) {
      if (entry.status !== 'in-flight') continue;
      entry.status = 'pending';
      entry.nextAttemptAt = now;
      entry.lastError = 'delivery interrupted: sandbox stopped';
    }
  }

  /** Coalesces wake-ups in one turn of the event loop, so notifications queued together batch. */
  private schedule(): void {
    if (this.dispatchQueued || this.stopped) return;
    this.dispatchQueued = true;
    setImmediate(() => {
      this.dispatchQueued = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.expireStale(now);
    const url = this.settings.endpointUrl;
    if (url) {
      const due = [...this.outbox.values()].filter((e) => e.status === 'pending' && e.nextAttemptAt <= now);
      for (let i = 0; i < due.length; i += MAX_NOTIFICATIONS_PER_MESSAGE) {
        void this.deliver(url, due.slice(i, i + MAX_NOTIFICATIONS_PER_MESSAGE));
      }
    }
    this.armTimer(now);
  }

  private expireStale(now: number): void {
    let expired = false;
    for (const entry of this.outbox.values()) {
      if (entry.status !== 'pending' || now - entry.enqueuedAt < this.settings.maxAgeMs) continue;
      entry.status = 'expired';
      entry.lastError ??= `not delivered within ${this.settings.maxAgeMs} ms`;
      expired = true;
    }
    if (expired) this.settled();
  }

  /** Wakes up for the next due retry, or for the next expiry while no endpoint is set. */
  private armTimer(now: number): void {
    clearTimeout(this.timer);
    let wake = Number.POSITIVE_INFINITY;
    for (const entry of this.outbox.values()) {
      if (entry.status !== 'pending') continue;
      wake = Math.min(wake, entry.enqueuedAt + this.settings.maxAgeMs);
      if (this.settings.endpointUrl) wake = Math.min(wake, entry.nextAttemptAt);
    }
    if (!Number.isFinite(wake)) return;
    this.timer = setTimeout(() => this.schedule(), Math.min(Math.max(0, wake - now), MAX_TIMER_MS));
    this.timer.unref();
  }

  private async deliver(url: string, batch: OutboxEntry[]): Promise<void> {
    const now = Date.now();
    for (const entry of batch) {
      entry.status = 'in-flight';
      entry.attempts += 1;
      entry.lastAttemptAt = now;
      // Salesforce sends the record's latest data, not the data at the time it was queued.
      entry.fields = this.deps.currentFields(entry.recordId) ?? entry.fields;
    }
    this.deps.onChange();
    const outcome = await this.send(url, batch, false);
    if (this.stopped) return;
    const finished = Date.now();
    for (const entry of batch) {
      if (outcome.ok) {
        entry.status = 'acknowledged';
        entry.acknowledgedAt = finished;
      } else {
        entry.status = 'pending';
        entry.lastError = outcome.error;
        entry.nextAttemptAt = finished + this.backoff(entry.attempts);
      }
    }
    if (outcome.ok) this.settled();
    this.deps.onChange();
    this.schedule();
  }

  private backoff(attempts: number): number {
    return Math.min(this.settings.retryBaseMs * 2 ** (attempts - 1), this.settings.retryMaxMs);
  }

  private async send(url: string, entries: OutboxEntry[], redelivery: boolean): Promise<SendOutcome> {
    const messageId = randomUUID();
    const startedAt = new Date().toISOString();
    const controller = new AbortController();
    this.inFlight.add(controller);
    const body = buildNotificationsEnvelope(
      this.deps.envelope(),
      entries.map((e) => ({ notificationId: e.notificationId, objectType: e.objectType, fields: e.fields })),
    );
    let outcome: SendOutcome;
    try {
      const reply = await postSoap(url, body, controller.signal);
      outcome = judgeReply(reply.status, reply.body);
    } catch (error) {
      outcome = { ok: false, error: (error as Error).message };
    } finally {
      this.inFlight.delete(controller);
    }
    if (!this.stopped) {
      this.logDelivery({
        messageId,
        notificationIds: entries.map((e) => e.notificationId),
        startedAt,
        finishedAt: new Date().toISOString(),
        outcome: outcome.ok ? 'acknowledged' : 'failed',
        ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        ...(redelivery ? { redelivery } : {}),
      });
    }
    return outcome;
  }

  private logDelivery(entry: DeliveryLogEntry): void {
    this.deliveries.push(entry);
    if (this.deliveries.length > MAX_DELIVERY_LOG) this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERY_LOG);
  }

  /** Forgets the oldest settled notifications so a long-running sandbox stays small. */
  private settled(): void {
    if (this.outbox.size <= MAX_SETTLED_ENTRIES) return;
    for (const [id, entry] of this.outbox) {
      if (this.outbox.size <= MAX_SETTLED_ENTRIES) break;
      if (entry.status === 'acknowledged' || entry.status === 'expired') this.outbox.delete(id);
    }
  }
}

/** Only HTTP 200 with notificationsResponse/Ack = true counts as delivered. */
function judgeReply(status: number, body: string): SendOutcome {
  if (status !== 200) return { ok: false, httpStatus: status, error: `HTTP ${status}` };
  const ack = readAck(body);
  if (ack === true) return { ok: true, httpStatus: status };
  return {
    ok: false,
    httpStatus: status,
    error: ack === false ? 'Ack false' : 'reply carries no notificationsResponse/Ack',
  };
}
