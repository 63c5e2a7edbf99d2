// The quote-to-cash ASL, run by the local Step Functions with stand-in Lambda handlers and a real
// (local) DynamoDB correlation table: routing, retries, business exceptions, duplicates, redrive.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BusinessException, ThrottledError, UnavailableError, WaitingForErpError } from '../../functions/domain/errors';
import type { ExceptionCode } from '../../functions/domain/exceptions';
import { nameBasedId } from '../../functions/domain/ids';
import { LocalStepFunctions } from '../../local/stepfunctions/step-functions';
import { STATE_MACHINES_DIR } from '../../paths';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb';

const TABLE = 'correlation';
const FUNCTIONS = {
  LoadOrderFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:load-order',
  RouteOrderFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:route-order',
  UpsertErpCustomerFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:upsert-erp-customer',
  CreateErpSalesOrderFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:create-erp-order',
  WriteBackOrderFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:write-back-order',
  ShadowErpOrderFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:shadow-erp-order',
};
const PARK_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:capacity-park';
/** What the capacity park function was asked, per call. */
const parked: Record<string, unknown>[] = [];
const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:quote-to-cash';

type Step = 'load' | 'route' | 'upsert' | 'create' | 'writeBack' | 'shadow';
type Behaviour = (input: Record<string, unknown>) => Promise<unknown>;

/** A stand-in ERP that, like NetSuite with external ids, never holds two orders for one opportunity. */
const erpOrders = new Map<string, { erpOrderId: string; orderNumber: string; status: string }>();
const calls: Record<Step, number> = { load: 0, route: 0, upsert: 0, create: 0, writeBack: 0, shadow: 0 };
/** The input of each step's last call. */
const inputs: Partial<Record<Step, Record<string, unknown>>> = {};
const failures: Partial<Record<Step, Behaviour>> = {};

const handlers: Record<Step, Behaviour> = {
  load: async (input) => ({
    externalId: input.opportunityId,
    reference: 'Acme - 10 laptops',
    customer: { externalId: '001ACME', name: 'Acme' },
    lines: [{ sku: 'SKU-LAPTOP-14', quantity: 10 }],
  }),
  route: async () => ({ target: 'netsuite', rule: 'default' }),
  upsert: async () => ({ erpCustomerId: '812', customerNumber: 'CUST0001' }),
  create: async (input) => {
    const order = input.order as { externalId: string };
    const existing = erpOrders.get(order.externalId);
    if (existing) return existing;
    const created = {
      erpOrderId: String(5000 + erpOrders.size),
      orderNumber: `SO${10000 + erpOrders.size}`,
      status: 'Pending Fulfillment',
      system: 'netsuite',
      erpTitle: 'NetSuite',
    };
    erpOrders.set(order.externalId, created);
    return created;
  },
  writeBack: async () => ({ updated: true }),
  shadow: async () => ({ status: 'MATCH', shadowSystem: 'odoo', shadowOrderNumber: 'S00042', differences: 0 }),
};

const stepOf: Record<string, Step> = {
  [FUNCTIONS.LoadOrderFunctionArn]: 'load',
  [FUNCTIONS.RouteOrderFunctionArn]: 'route',
  [FUNCTIONS.ShadowErpOrderFunctionArn]: 'shadow',
  [FUNCTIONS.UpsertErpCustomerFunctionArn]: 'upsert',
  [FUNCTIONS.CreateErpSalesOrderFunctionArn]: 'create',
  [FUNCTIONS.WriteBackOrderFunctionArn]: 'writeBack',
};

let local: LocalDynamoDb;
let dynamodb: DynamoDBClient;
let stepFunctions: LocalStepFunctions;

beforeAll(async () => {
  local = await startLocalDynamoDb([TABLE]);
  const config = {
    region: 'us-east-1',
    endpoint: local.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
  dynamodb = local.client;
  const substitutions: Record<string, string> = {
    ...FUNCTIONS,
    ParkFunctionArn: PARK_FUNCTION_ARN,
    Flow: 'quote-to-cash',
    CorrelationTableName: TABLE,
  };
  const asl = readFileSync(join(STATE_MACHINES_DIR, 'quote-to-cash.asl.json'), 'utf8').replace(
    /\$\{([A-Za-z0-9_]+)\}/g,
    (_, key: string) => substitutions[key],
  );
  stepFunctions = new LocalStepFunctions({
    clients: { dynamodb, sqs: new SQSClient(config), eventbridge: new EventBridgeClient(config) },
    retryIntervalMs: 1,
    invokeFunction: async (arn, payload) => {
      if (arn === PARK_FUNCTION_ARN) {
        parked.push(payload as Record<string, unknown>);
        return { parked: true };
      }
      const step = stepOf[arn];
      calls[step]++;
      const input = payload as Record<string, unknown>;
      inputs[step] = input;
      return (failures[step] ?? handlers[step])(input);
    },
  });
  stepFunctions.addStateMachine({
    arn: MACHINE_ARN,
    name: 'quote-to-cash',
    roleArn: 'role',
    definition: JSON.parse(asl),
  });
});

afterAll(async () => {
  await stepFunctions.stop();
  await local.stop();
});

beforeEach(() => {
  for (const step of Object.keys(calls) as Step[]) calls[step] = 0;
  for (const step of Object.keys(failures) as Step[]) delete failures[step];
});

let sequence = 0;
function closedWonEvent(opportunityId = `006TEST${String(++sequence).padStart(11, '0')}`) {
  const correlationId = nameBasedId(`test:${opportunityId}`);
  return {
    correlationId,
    opportunityId,
    input: JSON.stringify({
      version: '0',
      source: 'hub.salesforce',
      'detail-type': 'opportunity.closed_won',
      detail: {
        correlationId,
        source: { system: 'salesforce' },
        subject: { type: 'opportunity', id: opportunityId },
        eventVersion: 1,
      },
    }),
  };
}

async function run(input: string) {
  const started = stepFunctions.startExecution({ stateMachineArn: MACHINE_ARN, input });
  return stepFunctions.waitFor(started.executionArn);
}

async function summary(correlationId: string) {
  const result = await dynamodb.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `txn#${correlationId}` }, sk: { S: 'summary' } } }),
  );
  return result.Item;
}

const failedState = (execution: { history: { type: string; stateName?: string }[] }) =>
  execution.history.filter((e) => e.type === 'StateFailed').at(-1)?.stateName;

describe('quote-to-cash state machine', () => {
  it('claims the opportunity, creates the order, writes it back and records completion', async () => {
    const event = closedWonEvent();
    const execution = await run(event.input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output as string)).toMatchObject({ orderNumber: expect.stringMatching(/^SO/) });
    expect(calls).toEqual({ load: 1, route: 1, upsert: 1, create: 1, writeBack: 1, shadow: 0 });
    const item = await summary(event.correlationId);
    expect(item?.status.S).toBe('COMPLETED');
    expect(item?.crmSystem.S).toBe('salesforce');
    expect(item?.executionArn.S).toBe(execution.executionArn);
    expect(item?.erpOrderNumber.S).toBe(JSON.parse(execution.output as string).orderNumber);
  });

  it('asks the CRM the event came from and the ERP the route chose, and names that ERP on the deal', async () => {
    failures.route = async () => ({ target: 'sap-s4hana', rule: 'dach' });
    const execution = await run(closedWonEvent().input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(inputs.load).toMatchObject({ crm: 'salesforce' });
    expect(inputs.upsert).toMatchObject({ target: 'sap-s4hana' });
    expect(inputs.create).toMatchObject({ target: 'sap-s4hana', erpCustomer: { erpCustomerId: '812' } });
    expect(inputs.writeBack).toMatchObject({
      crm: 'salesforce',
      erpTitle: 'NetSuite',
      orderNumber: expect.any(String),
    });
  });

  it('writes the order to the shadow ERP after completing, without writing anything more to the CRM', async () => {
    failures.route = async () => ({ target: 'netsuite', shadow: 'odoo', rule: 'nordics' });
    const event = closedWonEvent();
    const execution = await run(event.input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.shadow).toBe(1);
    expect(calls.writeBack).toBe(1);
    expect(inputs.shadow).toMatchObject({
      target: 'netsuite',
      shadow: 'odoo',
      targetOrder: { orderNumber: expect.any(String) },
    });
    expect(JSON.parse(execution.output as string)).toMatchObject({ orderNumber: expect.stringMatching(/^SO/) });
    expect((await summary(event.correlationId))?.status.S).toBe('COMPLETED');
  });

  it('completes the transaction when the shadow ERP stays unavailable, and marks the comparison missing', async () => {
    failures.route = async () => ({ target: 'netsuite', shadow: 'odoo', rule: 'nordics' });
    failures.shadow = async () => {
      throw new UnavailableError('Odoo could not be reached');
    };
    const event = closedWonEvent();
    const execution = await run(event.input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.shadow).toBe(9);
    const item = await summary(event.correlationId);
    expect(item?.status.S).toBe('COMPLETED');
    expect(item?.shadowStatus.S).toBe('UNAVAILABLE');
  });

  it.each<[Step, string, ExceptionCode]>([
    ['load', 'LoadOrder', 'ORDER_DATA_INVALID'],
    ['load', 'LoadOrder', 'OPPORTUNITY_NOT_FOUND'],
    ['upsert', 'UpsertErpCustomer', 'CUSTOMER_ON_CREDIT_HOLD'],
    ['upsert', 'UpsertErpCustomer', 'ERP_CUSTOMER_REJECTED'],
    ['create', 'CreateErpSalesOrder', 'PRODUCT_NOT_MAPPED'],
    ['create', 'CreateErpSalesOrder', 'ERP_ITEM_REJECTED'],
    ['create', 'CreateErpSalesOrder', 'ERP_ORDER_REJECTED'],
    ['writeBack', 'WriteBackOrder', 'CRM_UPDATE_REJECTED'],
    ['create', 'CreateErpSalesOrder', 'CONNECTION_REJECTED'],
    ['load', 'LoadOrder', 'CRM_API_LIMIT_REACHED'],
  ])('fails in %s (%s) with %s as the error, without retrying', async (step, state, code) => {
    failures[step] = async () => {
      throw new BusinessException(code, `Business words about ${code}`);
    };
    const execution = await run(closedWonEvent().input);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe(code);
    expect(JSON.parse(execution.cause as string)).toMatchObject({
      errorType: code,
      errorMessage: `Business words about ${code}`,
    });
    expect(calls[step]).toBe(1);
    expect(failedState(execution)).toBe(state);
  });

  it('retries a throttled ERP with backoff and completes', async () => {
    let attempts = 0;
    failures.upsert = async (input) => {
      if (++attempts <= 2) throw new ThrottledError('NetSuite throttled PUT /customer (429)');
      return handlers.upsert(input);
    };
    const execution = await run(closedWonEvent().input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.upsert).toBe(3);
    expect(
      execution.history.filter((e) => e.type === 'StateRetried' && e.stateName === 'UpsertErpCustomer'),
    ).toHaveLength(2);
  });

  it('retries a step whose function ran out of time (Sandbox.Timedout), as every transient error', async () => {
    let attempts = 0;
    failures.create = async (input) => {
      if (++attempts <= 1)
        throw Object.assign(new Error('Task timed out after 60.00 seconds'), { name: 'Sandbox.Timedout' });
      return handlers.create(input);
    };
    const execution = await run(closedWonEvent().input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.create).toBe(2);
  });

  it('fails with Hub.Unavailable once an unavailable system outlasts every retry', async () => {
    failures.create = async () => {
      throw new UnavailableError('NetSuite failed POST /salesOrder with HTTP 503');
    };
    const execution = await run(closedWonEvent().input);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Hub.Unavailable');
    expect(calls.create).toBe(9);
  });

  it('ends a second event for the same opportunity as a duplicate without a second order', async () => {
    const event = closedWonEvent();
    const first = await run(event.input);
    const ordersAfterFirst = erpOrders.size;
    const second = await run(event.input);

    expect(first.status).toBe('SUCCEEDED');
    expect(second.status).toBe('SUCCEEDED');
    expect(second.history.some((e) => e.type === 'StateEntered' && e.stateName === 'DuplicateEvent')).toBe(true);
    expect(erpOrders.size).toBe(ordersAfterFirst);
    expect(calls.load).toBe(1);
    expect((await summary(event.correlationId))?.duplicateEvents.N).toBe('1');
  });

  it('lets a new event take over a transaction that waits for attention', async () => {
    const event = closedWonEvent();
    failures.create = async () => {
      throw new BusinessException('PRODUCT_NOT_MAPPED', 'SKU-X has no mapping');
    };
    const failed = await run(event.input);
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: `txn#${event.correlationId}` }, sk: { S: 'summary' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'NEEDS_ATTENTION' } },
      }),
    );
    delete failures.create;
    const retried = await run(event.input);

    expect(failed.status).toBe('FAILED');
    expect(retried.status).toBe('SUCCEEDED');
    expect((await summary(event.correlationId))?.executionArn.S).toBe(retried.executionArn);
  });

  it('redrives from the failed step after the fix and completes without repeating earlier steps', async () => {
    const event = closedWonEvent();
    failures.create = async () => {
      throw new BusinessException('PRODUCT_NOT_MAPPED', 'SKU-X has no mapping');
    };
    const failed = await run(event.input);
    expect(failed.error).toBe('PRODUCT_NOT_MAPPED');
    const ordersBefore = erpOrders.size;

    delete failures.create;
    stepFunctions.redriveExecution(failed.executionArn);
    const redriven = await stepFunctions.waitFor(failed.executionArn);

    expect(redriven.status).toBe('SUCCEEDED');
    expect(redriven.redriveCount).toBe(1);
    expect(calls).toEqual({ load: 1, route: 1, upsert: 1, create: 2, writeBack: 1, shadow: 0 });
    expect(erpOrders.size).toBe(ordersBefore + 1);
    expect((await summary(event.correlationId))?.status.S).toBe('COMPLETED');
  });

  it('refuses to redrive a succeeded execution', async () => {
    const execution = await run(closedWonEvent().input);
    expect(() => stepFunctions.redriveExecution(execution.executionArn)).toThrow(/cannot be redriven/);
  });

  it('parks a step that found no ERP capacity by its task token and runs the step again when released', async () => {
    let refused = false;
    failures.upsert = async (input) => {
      if (!refused) {
        refused = true;
        throw new WaitingForErpError('netsuite', "NetSuite is at the hub's share of its capacity");
      }
      return handlers.upsert(input);
    };
    parked.length = 0;
    const started = stepFunctions.startExecution({ stateMachineArn: MACHINE_ARN, input: closedWonEvent().input });
    const payload = await eventuallyParked();

    expect(payload).toMatchObject({
      system: 'netsuite',
      flow: 'quote-to-cash',
      step: 'UpsertErpCustomer',
      executionArn: started.executionArn,
      arrivedAt: new Date(started.startDate).toISOString(),
      waiting: { Error: 'Hub.WaitingForErp' },
    });
    // Waiting is neither failed nor retried: the execution runs, in the waiting state, until released.
    expect(stepFunctions.describeExecution(started.executionArn).status).toBe('RUNNING');
    expect(calls.upsert).toBe(1);

    stepFunctions.sendTaskSuccess(String(payload.taskToken), JSON.stringify({ resumedAt: new Date().toISOString() }));
    const execution = await stepFunctions.waitFor(started.executionArn);

    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.upsert).toBe(2);
    // The only failed attempt is the refusal the Catch turned into the wait.
    expect(execution.history.filter((e) => e.type === 'StateFailed').map((e) => e.error)).toEqual([
      'Hub.WaitingForErp',
    ]);
  });
});

async function eventuallyParked(): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200 && parked.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (parked.length === 0) throw new Error('The step was not parked');
  return parked[0];
}
