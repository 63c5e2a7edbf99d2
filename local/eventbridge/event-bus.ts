// The local EventBridge: buses and rules read from the template, PutEvents with AWS's entry
// validation, pattern matching (event-pattern.ts), and delivery to targets with the target's
// retry policy and dead-letter queue; schedule rules (rate()) fire on the default bus.
import { randomUUID } from 'node:crypto';
import { type EventPattern, parseEventPattern } from './event-pattern';
import { every, parseScheduleExpression, scheduledEvent } from './schedules';

export interface RuleTarget {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  deadLetterArn?: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
}

export interface LocalRule {
  name: string;
  arn: string;
  busName: string;
  /** Absent on a rule that only runs on a schedule. */
  pattern?: EventPattern;
  scheduleExpression?: string;
  /** The period of `scheduleExpression`. */
  scheduleMs?: number;
  enabled: boolean;
  targets: RuleTarget[];
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | number | Date;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

export interface EventBusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** Fault injection: make PutEvents fail as EventBridge sometimes does. */
export type BusFault = { mode: 'failed-entries' } | { mode: 'service-error' } | undefined;

/** A failure of the whole PutEvents call, returned as an AWS JSON error. */
export class EventBridgeServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}

/** A target refused the event; `retryable` false sends it to the dead-letter queue at once. */
export class TargetError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = code;
  }
}

export interface EventBridgeOptions {
  region: string;
  account: string;
  deliver: (targetArn: string, input: string) => Promise<void>;
  deadLetter: (queueArn: string, event: string, attributes: Record<string, string>) => Promise<void>;
  /** First delivery retry delay; doubles up to a minute. EventBridge itself backs off over 24 hours. */
  retryBaseMs?: number;
}

const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

export class LocalEventBridge {
  readonly buses = new Set<string>(['default']);
  readonly rules: LocalRule[] = [];
  fault: BusFault;
  readonly stats = { accepted: 0, matched: 0, delivered: 0, deadLettered: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly schedules: (() => void)[] = [];

  constructor(private readonly options: EventBridgeOptions) {}

  addBus(name: string): void {
    this.buses.add(name);
  }

  addRule(
    rule: Omit<LocalRule, 'pattern' | 'scheduleMs'> & { pattern?: string | object; scheduleExpression?: string },
  ): void {
    const { pattern, scheduleExpression } = rule;
    if (pattern === undefined && scheduleExpression === undefined) {
      throw new Error(`Rule ${rule.name} has neither an EventPattern nor a ScheduleExpression`);
    }
    if (scheduleExpression !== undefined && rule.busName !== 'default') {
      throw new Error(`Rule ${rule.name}: a ScheduleExpression is supported only on the default event bus`);
    }
    let scheduleMs: number | undefined;
    try {
      scheduleMs = scheduleExpression === undefined ? undefined : parseScheduleExpression(scheduleExpression);
    } catch (error) {
      throw new Error(`Rule ${rule.name}: ${(error as Error).message}`);
    }
    this.rules.push({
      ...rule,
      pattern: pattern === undefined ? undefined : parseEventPattern(pattern),
      scheduleMs,
    });
  }

  /**
   * Starts the timers of the enabled schedule rules; each fires one period after this call, as a rule
   * just created does. `periodMs` replaces every rule's rate (tests).
   */
  startSchedules(periodMs?: number): void {
    for (const rule of this.rules) {
      if (rule.scheduleMs === undefined || !rule.enabled) continue;
      this.schedules.push(every(periodMs ?? rule.scheduleMs, (due) => this.fireSchedule(rule, due)));
    }
  }

  stopSchedules(): void {
    for (const stop of this.schedules.splice(0)) stop();
  }

  putEvents(entries: PutEventsEntry[]): PutEventsResult {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new EventBridgeServiceError('ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries`, 400);
    }
    if (this.fault?.mode === 'service-error') {
      throw new EventBridgeServiceError('InternalException', 'Internal service error (injected fault)', 500);
    }
    const results = entries.map((entry) => this.accept(entry));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Publishes an event AWS services emit themselves (Step Functions status changes). */
  emit(event: Omit<EventBusEvent, 'version' | 'id' | 'account' | 'region'>, busName = 'default'): void {
    this.route(busName, {
      version: '0',
      id: randomUUID(),
      account: this.options.account,
      region: this.options.region,
      ...event,
    });
  }

  /** Resolves once every delivery in progress has finished (or gone to its dead-letter queue). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private accept(entry: PutEventsEntry): PutEventsResult['Entries'][number] {
    const busName = busNameOf(entry.EventBusName);
    const problem = this.validate(entry, busName);
    if (problem) return problem;
    if (this.fault?.mode === 'failed-entries') {
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure (injected fault)' };
    }
    const event: EventBusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: this.options.account,
      time: timeOf(entry.Time),
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail as string),
    };
    this.stats.accepted++;
    this.route(busName, event);
    return { EventId: event.id };
  }

  private validate(entry: PutEventsEntry, busName: string): { ErrorCode: string; ErrorMessage: string } | undefined {
    if (!entry.Source)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      };
    if (!entry.DetailType)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      };
    if (!entry.Detail)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      };
    const size =
      Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
    if (size > MAX_ENTRY_BYTES)
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Total size of the entry exceeds 256KB' };
    try {
      const detail = JSON.parse(entry.Detail);
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) throw new Error('not an object');
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!this.buses.has(busName))
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    return undefined;
  }

  private fireSchedule(rule: LocalRule, due: Date): void {
    if (!rule.enabled) return;
    const event: EventBusEvent = scheduledEvent(rule.arn, this.options.account, this.options.region, due);
    this.stats.matched++;
    for (const target of rule.targets) this.track(this.deliver(rule, target, event));
  }

  private route(busName: string, event: EventBusEvent): void {
    for (const rule of this.rules) {
      if (rule.busName !== busName || !rule.enabled || !rule.pattern?.matches(event)) continue;
      this.stats.matched++;
      for (const target of rule.targets) this.track(this.deliver(rule, target, event));
    }
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(rule: LocalRule, target: RuleTarget, event: EventBusEvent): Promise<void> {
    const firstAttempt = Date.now();
    let delay = this.options.retryBaseMs ?? 1000;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.deliver(target.arn, transformInput(target, event));
        this.stats.delivered++;
        return;
      } catch (error) {
        const failure =
          error instanceof TargetError ? error : new TargetError('InternalException', String(error), true);
        const expired = Date.now() - firstAttempt + delay > target.maximumEventAgeSeconds * 1000;
        if (!failure.retryable || attempt >= target.maximumRetryAttempts || expired) {
          await this.deadLetter(rule, target, event, failure);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random() / 2)));
        delay = Math.min(delay * 2, 60_000);
      }
    }
  }

  private async deadLetter(
    rule: LocalRule,
    target: RuleTarget,
    event: EventBusEvent,
    failure: TargetError,
  ): Promise<void> {
    if (!target.deadLetterArn) return;
    this.stats.deadLettered++;
    await this.options.deadLetter(target.deadLetterArn, JSON.stringify(event), {
      RULE_ARN: rule.arn,
      TARGET_ARN: target.arn,
      ERROR_CODE: failure.code,
      ERROR_MESSAGE: failure.message,
    });
  }
}

function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return 'default';
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split('event-bus/')[1] ?? nameOrArn) : nameOrArn;
}

function timeOf(time: PutEventsEntry['Time']): string {
  const date = time === undefined ? new Date() : new Date(typeof time === 'number' ? time * 1000 : time);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Target Input, InputPath and InputTransformer, as EventBridge applies them. */
export function transformInput(target: RuleTarget, event: EventBusEvent): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath) return JSON.stringify(selectPath(event, target.inputPath) ?? null);
  if (target.inputTransformer) {
    const values = Object.fromEntries(
      Object.entries(target.inputTransformer.inputPathsMap ?? {}).map(([name, path]) => [
        name,
        selectPath(event, path),
      ]),
    );
    return target.inputTransformer.inputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (match, name: string) => {
      if (name === 'aws.events.event.json') return JSON.stringify(event);
      if (!(name in values)) return match;
      const value = values[name];
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  }
  return JSON.stringify(event);
}

/** The JSONPath subset EventBridge targets accept: $, $.a.b, $.a['b-c']. */
function selectPath(event: unknown, path: string): unknown {
  if (path === '$') return event;
  const parts = [...path.slice(2).matchAll(/([^.[\]']+)|\['([^']+)'\]/g)].map((m) => m[1] ?? m[2]);
  return parts.reduce<unknown>(
    (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
    event,
  );
}
