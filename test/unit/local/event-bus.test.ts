// LocalEventBridge: PutEvents entry validation and injected faults, routing to the matching
// enabled rules of the right bus, target input (Input, InputPath, InputTransformer), delivery
// with the target's retry policy and its dead-letter queue, schedule rules firing their targets.
import { describe, expect, it } from 'vitest';
import {
  EventBridgeServiceError,
  type EventBusEvent,
  LocalEventBridge,
  type LocalRule,
  type RuleTarget,
  TargetError,
  transformInput,
} from '../../../local/eventbridge/event-bus';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/orders`;
const TARGET_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:consumer`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq`;

interface Delivery {
  targetArn: string;
  input: string;
}

interface DeadLetter {
  queueArn: string;
  event: string;
  attributes: Record<string, string>;
}

/** A bus whose deliveries and dead letters are recorded; `outcome` decides each delivery attempt. */
function createBus(outcome: (attempt: number, delivery: Delivery) => void = () => {}) {
  const deliveries: Delivery[] = [];
  const deadLetters: DeadLetter[] = [];
  const bus = new LocalEventBridge({
    region: REGION,
    account: ACCOUNT,
    retryBaseMs: 1,
    deliver: async (targetArn, input) => {
      const delivery = { targetArn, input };
      deliveries.push(delivery);
      outcome(deliveries.length, delivery);
    },
    deadLetter: async (queueArn, event, attributes) => {
      deadLetters.push({ queueArn, event, attributes });
    },
  });
  return { bus, deliveries, deadLetters };
}

function target(overrides: Partial<RuleTarget> = {}): RuleTarget {
  return { id: 'T1', arn: TARGET_ARN, maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400, ...overrides };
}

function rule(overrides: Partial<Omit<LocalRule, 'pattern'>> & { pattern?: object | string } = {}) {
  return {
    name: 'orders',
    arn: RULE_ARN,
    busName: 'default',
    pattern: { source: ['hub.orders'] },
    enabled: true,
    targets: [target()],
    ...overrides,
  };
}

const entry = (overrides: Record<string, unknown> = {}) => ({
  Source: 'hub.orders',
  DetailType: 'order.created',
  Detail: JSON.stringify({ orderId: 'o-1' }),
  ...overrides,
});

describe('PutEvents validation', () => {
  it('accepts a valid entry with an event id', () => {
    // Prepare
    const { bus } = createBus();

    // Act
    const result = bus.putEvents([entry()]);

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toEqual([{ EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect(bus.stats.accepted).toBe(1);
  });

  it.each([
    ['Source', { Source: undefined }, 'Parameter Source is not valid. Reason: Source is a required argument.'],
    [
      'DetailType',
      { DetailType: undefined },
      'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    ],
    ['Detail', { Detail: undefined }, 'Parameter Detail is not valid. Reason: Detail is a required argument.'],
    ['Detail (empty)', { Detail: '' }, 'Parameter Detail is not valid. Reason: Detail is a required argument.'],
  ])('fails the entry without %s as InvalidArgument', (_, overrides, message) => {
    // Prepare
    const { bus } = createBus();

    // Act
    const result = bus.putEvents([entry(overrides)]);

    // Assess
    expect(result).toEqual({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InvalidArgument', ErrorMessage: message }] });
    expect(bus.stats.accepted).toBe(0);
  });

  it.each([
    ['not JSON', '{oops'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"text"'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
  ])('fails a Detail that is %s as MalformedDetail', (_, detail) => {
    // Prepare
    const { bus } = createBus();

    // Act
    const result = bus.putEvents([entry({ Detail: detail })]);

    // Assess
    expect(result.Entries).toEqual([{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }]);
  });

  it('fails an entry for a bus that does not exist, by name or ARN, and accepts known buses by ARN', () => {
    // Prepare
    const { bus } = createBus();
    bus.addBus('hub-bus');

    // Act
    const result = bus.putEvents([
      entry({ EventBusName: 'missing-bus' }),
      entry({ EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/hub-bus` }),
      entry({ EventBusName: 'hub-bus' }),
    ]);

    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries[0]).toEqual({
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: 'Event bus missing-bus does not exist.',
    });
    expect(result.Entries[1]).toHaveProperty('EventId');
    expect(result.Entries[2]).toHaveProperty('EventId');
  });

  it('fails an entry over 256 KB but keeps the others of the call', () => {
    // Prepare
    const { bus } = createBus();
    const big = JSON.stringify({ blob: 'x'.repeat(256 * 1024) });

    // Act
    const result = bus.putEvents([entry(), entry({ Detail: big })]);

    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries[0]).toHaveProperty('EventId');
    expect(result.Entries[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Total size of the entry exceeds 256KB',
    });
  });

  it.each([
    ['no entries', []],
    ['more than 10 entries', Array.from({ length: 11 }, () => entry())],
  ])('rejects the whole call with %s as ValidationException', (_, entries) => {
    // Prepare
    const { bus } = createBus();

    // Act
    const call = () => bus.putEvents(entries);

    // Assess
    expect(call).toThrow(EventBridgeServiceError);
    expect(call).toThrow(expect.objectContaining({ code: 'ValidationException', status: 400 }));
  });

  it('accepts exactly 10 entries', () => {
    // Prepare
    const { bus } = createBus();

    // Act
    const result = bus.putEvents(Array.from({ length: 10 }, () => entry()));

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(10);
  });

  it('builds the event envelope from the entry, Time in seconds or as a date', async () => {
    // Prepare
    const { bus, deliveries } = createBus();
    bus.addRule(rule());

    // Act
    bus.putEvents([
      entry({ Time: 1_700_000_000, Resources: ['arn:aws:s3:::bucket'] }),
      entry({ Time: new Date('2024-05-06T07:08:09.123Z') }),
    ]);
    await bus.settled();

    // Assess
    const [first, second] = deliveries.map((d) => JSON.parse(d.input) as EventBusEvent);
    expect(first).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'order.created',
      source: 'hub.orders',
      account: ACCOUNT,
      time: '2023-11-14T22:13:20Z',
      region: REGION,
      resources: ['arn:aws:s3:::bucket'],
      detail: { orderId: 'o-1' },
    });
    expect(second.time).toBe('2024-05-06T07:08:09Z');
    expect(second.resources).toEqual([]);
  });
});

describe('injected faults', () => {
  it("'failed-entries' fails every valid entry with InternalFailure and delivers nothing", async () => {
    // Prepare
    const { bus, deliveries } = createBus();
    bus.addRule(rule());
    bus.fault = { mode: 'failed-entries' };

    // Act
    const result = bus.putEvents([entry(), entry({ Source: undefined })]);
    await bus.settled();

    // Assess
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries[0]).toEqual({
      ErrorCode: 'InternalFailure',
      ErrorMessage: 'Internal failure (injected fault)',
    });
    expect(result.Entries[1]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    expect(deliveries).toEqual([]);
    expect(bus.stats.accepted).toBe(0);
  });

  it("'service-error' fails the whole call with a 500 InternalException", () => {
    // Prepare
    const { bus } = createBus();
    bus.fault = { mode: 'service-error' };

    // Act
    let thrown: unknown;
    try {
      bus.putEvents([entry()]);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(EventBridgeServiceError);
    expect(thrown).toMatchObject({ name: 'InternalException', code: 'InternalException', status: 500 });
  });

  it('recovers once the fault is cleared', () => {
    // Prepare
    const { bus } = createBus();
    bus.fault = { mode: 'failed-entries' };
    bus.putEvents([entry()]);

    // Act
    bus.fault = undefined;
    const result = bus.putEvents([entry()]);

    // Assess
    expect(result.FailedEntryCount).toBe(0);
  });
});

describe('routing', () => {
  it('delivers only to enabled rules of the entry bus whose pattern matches', async () => {
    // Prepare
    const { bus, deliveries } = createBus();
    bus.addBus('hub-bus');
    const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
    bus.addRule(rule({ name: 'match', busName: 'hub-bus', targets: [target({ arn: arnOf('match') })] }));
    bus.addRule(
      rule({
        name: 'other-source',
        busName: 'hub-bus',
        pattern: { source: ['hub.other'] },
        targets: [target({ arn: arnOf('other-source') })],
      }),
    );
    bus.addRule(rule({ name: 'default-bus', targets: [target({ arn: arnOf('default-bus') })] }));
    bus.addRule(
      rule({ name: 'disabled', busName: 'hub-bus', enabled: false, targets: [target({ arn: arnOf('disabled') })] }),
    );
    bus.addRule(
      rule({
        name: 'string-pattern',
        busName: 'hub-bus',
        pattern: '{"detail":{"orderId":["o-1"]}}',
        targets: [target({ arn: arnOf('string-a') }), target({ id: 'T2', arn: arnOf('string-b') })],
      }),
    );

    // Act
    bus.putEvents([entry({ EventBusName: 'hub-bus' })]);
    await bus.settled();

    // Assess
    expect(deliveries.map((d) => d.targetArn).sort()).toEqual([arnOf('match'), arnOf('string-a'), arnOf('string-b')]);
    expect(bus.stats).toEqual({ accepted: 1, matched: 2, delivered: 3, deadLettered: 0 });
  });

  it('emits AWS service events onto a bus with account and region filled in', async () => {
    // Prepare
    const { bus, deliveries } = createBus();
    bus.addRule(rule({ pattern: { source: ['aws.states'], detail: { status: ['FAILED'] } } }));

    // Act
    bus.emit({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      time: '2024-01-01T00:00:00Z',
      resources: [],
      detail: { status: 'FAILED' },
    });
    bus.emit({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      time: '2024-01-01T00:00:00Z',
      resources: [],
      detail: { status: 'SUCCEEDED' },
    });
    await bus.settled();

    // Assess
    expect(deliveries).toHaveLength(1);
    expect(JSON.parse(deliveries[0].input)).toMatchObject({
      version: '0',
      account: ACCOUNT,
      region: REGION,
      detail: { status: 'FAILED' },
    });
  });

  it('refuses a rule with an invalid pattern when it is added', () => {
    // Prepare
    const { bus } = createBus();

    // Act / Assess
    expect(() => bus.addRule(rule({ pattern: { source: 'not-an-array' } }))).toThrow();
  });
});

describe('transformInput', () => {
  const event: EventBusEvent = {
    version: '0',
    id: 'e-1',
    'detail-type': 'order.created',
    source: 'hub.orders',
    account: ACCOUNT,
    time: '2024-01-01T00:00:00Z',
    region: REGION,
    resources: [],
    detail: { orderId: 'o-1', 'line-items': [{ sku: 'A' }], customer: { name: 'Acme' }, count: 2 },
  };

  it('passes the whole event without Input, InputPath or InputTransformer', () => {
    // Act / Assess
    expect(JSON.parse(transformInput(target(), event))).toEqual(event);
  });

  it('sends the constant Input as is, before InputPath', () => {
    // Act / Assess
    expect(transformInput(target({ input: '{"constant":1}', inputPath: '$.detail' }), event)).toBe('{"constant":1}');
  });

  it.each([
    ['$', event],
    ['$.detail', event.detail],
    ['$.detail.customer.name', 'Acme'],
    ["$.detail['line-items']", [{ sku: 'A' }]],
    ['$.detail.missing', null],
  ])('selects InputPath %s', (path, expected) => {
    // Act / Assess
    expect(JSON.parse(transformInput(target({ inputPath: path }), event))).toEqual(expected);
  });

  it('fills the InputTransformer template: strings raw, other values as JSON, unknown names kept', () => {
    // Prepare
    const transformer = {
      inputPathsMap: { id: '$.detail.orderId', customer: '$.detail.customer', count: '$.detail.count' },
      inputTemplate: '{"orderId":"<id>","customer":<customer>,"count":<count>,"other":"<unmapped>"}',
    };

    // Act
    const input = transformInput(target({ inputTransformer: transformer }), event);

    // Assess
    expect(JSON.parse(input)).toEqual({ orderId: 'o-1', customer: { name: 'Acme' }, count: 2, other: '<unmapped>' });
  });

  it('puts the whole event in place of <aws.events.event.json>', () => {
    // Prepare
    const transformer = { inputTemplate: '{"wrapped":<aws.events.event.json>}' };

    // Act
    const input = transformInput(target({ inputTransformer: transformer }), event);

    // Assess
    expect(JSON.parse(input)).toEqual({ wrapped: event });
  });

  it('applies the target transformation on delivery', async () => {
    // Prepare
    const { bus, deliveries } = createBus();
    bus.addRule(rule({ targets: [target({ inputPath: '$.detail.orderId' })] }));

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries).toEqual([{ targetArn: TARGET_ARN, input: '"o-1"' }]);
  });
});

describe('delivery', () => {
  it('retries a failing target with backoff until it succeeds', async () => {
    // Prepare
    const times: number[] = [];
    const { bus, deliveries, deadLetters } = createBus((attempt) => {
      times.push(performance.now());
      if (attempt < 4) throw new Error('connection reset');
    });
    bus.addRule(rule({ targets: [target({ deadLetterArn: DLQ_ARN })] }));

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries).toHaveLength(4);
    expect(new Set(deliveries.map((d) => d.input)).size).toBe(1);
    expect(deadLetters).toEqual([]);
    expect(bus.stats.delivered).toBe(1);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
  });

  it('backs off exponentially from retryBaseMs', async () => {
    // Prepare
    const times: number[] = [];
    const deliveries: number[] = [];
    const bus = new LocalEventBridge({
      region: REGION,
      account: ACCOUNT,
      retryBaseMs: 40,
      deliver: async () => {
        times.push(performance.now());
        deliveries.push(times.length);
        if (times.length < 4) throw new Error('down');
      },
      deadLetter: async () => {},
    });
    bus.addRule(rule());

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess: waits are delay * [0.5, 1) with delay 40, 80, 160 ms.
    const waits = times.slice(1).map((t, i) => t - times[i]);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(19);
    expect(waits[1]).toBeGreaterThanOrEqual(39);
    expect(waits[2]).toBeGreaterThanOrEqual(79);
    expect(waits[2]).toBeLessThan(400);
  });

  it('sends a non-retryable TargetError straight to the dead-letter queue with the failure attributes', async () => {
    // Prepare
    const { bus, deliveries, deadLetters } = createBus(() => {
      throw new TargetError('ResourceNotFoundException', 'Function not found', false);
    });
    bus.addRule(rule({ targets: [target({ deadLetterArn: DLQ_ARN })] }));

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries).toHaveLength(1);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0].queueArn).toBe(DLQ_ARN);
    expect(JSON.parse(deadLetters[0].event)).toMatchObject({ source: 'hub.orders', detail: { orderId: 'o-1' } });
    expect(deadLetters[0].attributes).toEqual({
      RULE_ARN,
      TARGET_ARN,
      ERROR_CODE: 'ResourceNotFoundException',
      ERROR_MESSAGE: 'Function not found',
    });
    expect(bus.stats.deadLettered).toBe(1);
    expect(bus.stats.delivered).toBe(0);
  });

  it('sends the original event (not the transformed input) to the dead-letter queue', async () => {
    // Prepare
    const { bus, deliveries, deadLetters } = createBus(() => {
      throw new TargetError('Refused', 'no', false);
    });
    bus.addRule(rule({ targets: [target({ deadLetterArn: DLQ_ARN, input: '{"constant":true}' })] }));

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries[0].input).toBe('{"constant":true}');
    expect(JSON.parse(deadLetters[0].event)).toMatchObject({ 'detail-type': 'order.created' });
  });

  it('dead-letters after MaximumRetryAttempts retries, a plain error as a retryable InternalException', async () => {
    // Prepare
    const { bus, deliveries, deadLetters } = createBus(() => {
      throw new Error('target down');
    });
    bus.addRule(rule({ targets: [target({ deadLetterArn: DLQ_ARN, maximumRetryAttempts: 2 })] }));

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries).toHaveLength(3);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0].attributes).toMatchObject({
      ERROR_CODE: 'InternalException',
      ERROR_MESSAGE: 'Error: target down',
    });
  });

  it('does not retry when MaximumRetryAttempts is 0', async () => {
    // Prepare
    const { bus, deliveries, deadLetters } = createBus(() => {
      throw new TargetError('Throttled', 'slow down', true);
    });
    bus.addRule(rule({ targets: [target({ deadLetterArn: DLQ_ARN, maximumRetryAttempts: 0 })] }));

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries).toHaveLength(1);
    expect(deadLetters[0].attributes.ERROR_CODE).toBe('Throttled');
  });

  it('stops retrying when the next wait would pass MaximumEventAgeInSeconds', async () => {
    // Prepare
    const deliveries: string[] = [];
    const deadLetters: Record<string, string>[] = [];
    const bus = new LocalEventBridge({
      region: REGION,
      account: ACCOUNT,
      retryBaseMs: 5_000,
      deliver: async (arn) => {
        deliveries.push(arn);
        throw new Error('down');
      },
      deadLetter: async (_, __, attributes) => {
        deadLetters.push(attributes);
      },
    });
    bus.addRule(rule({ targets: [target({ deadLetterArn: DLQ_ARN, maximumEventAgeSeconds: 1 })] }));

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries).toHaveLength(1);
    expect(deadLetters).toHaveLength(1);
  });

  it('drops the event when the target has no dead-letter queue', async () => {
    // Prepare
    const { bus, deliveries, deadLetters } = createBus(() => {
      throw new TargetError('Refused', 'no', false);
    });
    bus.addRule(rule());

    // Act
    bus.putEvents([entry()]);
    await bus.settled();

    // Assess
    expect(deliveries).toHaveLength(1);
    expect(deadLetters).toEqual([]);
    expect(bus.stats).toMatchObject({ delivered: 0, deadLettered: 0 });
  });

  it('settled() waits for deliveries still in progress', async () => {
    // Prepare
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const bus = new LocalEventBridge({
      region: REGION,
      account: ACCOUNT,
      deliver: () => gate,
      deadLetter: async () => {},
    });
    bus.addRule(rule());
    bus.putEvents([entry()]);
    let settled = false;

    // Act
    const settling = bus.settled().then(() => {
      settled = true;
    });
    await Promise.resolve();
    const before = settled;
    release();
    await settling;

    // Assess
    expect(before).toBe(false);
    expect(settled).toBe(true);
    expect(bus.stats.delivered).toBe(1);
  });

  it('settled() resolves at once when nothing is in flight', async () => {
    // Prepare
    const { bus } = createBus();

    // Act / Assess
    await expect(bus.settled()).resolves.toBeUndefined();
  });
});

describe('schedule rules', () => {
  const scheduleRule = (overrides: Record<string, unknown> = {}) => ({
    name: 'nightly',
    arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly`,
    busName: 'default',
    scheduleExpression: 'rate(1 day)',
    enabled: true,
    targets: [target()],
    ...overrides,
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('delivers the Scheduled Event at the period, first one period after start, and stops on stopSchedules', async () => {
    // Prepare
    const { bus, deliveries } = createBus();
    bus.addRule(scheduleRule());
    const started = Date.now();

    // Act
    bus.startSchedules(50);
    await sleep(20);
    const early = deliveries.length;
    await sleep(160);
    bus.stopSchedules();
    await bus.settled();
    const fired = deliveries.length;
    await sleep(120);

    // Assess
    expect(early).toBe(0);
    expect(fired).toBeGreaterThanOrEqual(2);
    expect(deliveries).toHaveLength(fired);
    const event = JSON.parse(deliveries[0].input) as EventBusEvent;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: REGION,
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly`],
      detail: {},
    });
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
    expect(deliveries[0].targetArn).toBe(TARGET_ARN);
    expect(new Set(deliveries.map((d) => JSON.parse(d.input).id)).size).toBe(fired);
  });

  it("applies the target's Input, InputTransformer and dead-letter queue", async () => {
    // Prepare
    const { bus, deliveries, deadLetters } = createBus((_, delivery) => {
      if (delivery.targetArn.endsWith('refusing')) throw new TargetError('ResourceNotFoundException', 'gone', false);
    });
    bus.addRule(
      scheduleRule({
        targets: [
          target({ id: 'constant', input: '{"job":"sweep"}' }),
          target({
            id: 'transformed',
            arn: `${TARGET_ARN}-transformed`,
            inputTransformer: {
              inputPathsMap: { at: '$.time', src: '$.source' },
              inputTemplate: '{"at":"<at>","src":"<src>"}',
            },
          }),
          target({ id: 'refusing', arn: `${TARGET_ARN}-refusing`, deadLetterArn: DLQ_ARN }),
        ],
      }),
    );

    // Act
    bus.startSchedules(30);
    await eventuallyTrue(() => deadLetters.length > 0);
    bus.stopSchedules();
    await bus.settled();

    // Assess
    expect(deliveries.find((d) => d.targetArn === TARGET_ARN)?.input).toBe('{"job":"sweep"}');
    const transformed = JSON.parse(deliveries.find((d) => d.targetArn.endsWith('transformed'))?.input ?? '{}');
    expect(transformed).toEqual({ at: expect.stringMatching(/Z$/), src: 'aws.events' });
    expect(JSON.parse(deadLetters[0].event)['detail-type']).toBe('Scheduled Event');
    expect(deadLetters[0].attributes).toMatchObject({ RULE_ARN: `arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly` });
  });

  it('never fires a disabled rule, and a schedule-only rule matches no PutEvents', async () => {
    // Prepare
    const { bus, deliveries } = createBus();
    bus.addRule(scheduleRule({ enabled: false }));
    bus.addRule(scheduleRule({ name: 'enabled', scheduleExpression: 'rate(1 minute)' }));

    // Act
    bus.startSchedules(20);
    bus.stopSchedules();
    bus.startSchedules();
    bus.putEvents([entry({ Source: 'aws.events', DetailType: 'Scheduled Event' })]);
    await sleep(80);
    bus.stopSchedules();
    await bus.settled();

    // Assess
    expect(deliveries).toEqual([]);
  });

  it('refuses cron(), invalid rates, schedules off the default bus and rules with neither pattern nor schedule', () => {
    // Prepare
    const { bus } = createBus();

    // Act / Assess
    expect(() => bus.addRule(scheduleRule({ scheduleExpression: 'cron(0 12 * * ? *)' }))).toThrow(
      /nightly.*emulates rate\(\) schedules only/,
    );
    expect(() => bus.addRule(scheduleRule({ scheduleExpression: 'rate(5 minute)' }))).toThrow(/not valid/);
    expect(() => bus.addRule(scheduleRule({ busName: 'hub-bus' }))).toThrow(/default event bus/);
    expect(() => bus.addRule(scheduleRule({ scheduleExpression: undefined }))).toThrow(/neither/);
    expect(bus.rules).toEqual([]);
  });
});

async function eventuallyTrue(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
