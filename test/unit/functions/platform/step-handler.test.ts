import { BatchWriteCommand, type BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.CORRELATION_TABLE_NAME = 'hub-correlation';
});

import { BusinessException, UnavailableError } from '../../../../functions/domain/errors';
import { RESERVED_MS } from '../../../../functions/platform/deadline';
import { send } from '../../../../functions/platform/http';
import { logger } from '../../../../functions/platform/logger';
import { InvalidStepInputError, stepHandler } from '../../../../functions/platform/step-handler';
import { FakeHttp, timedOut } from '../support/fake-http';
import { lambdaContext } from '../support/lambda-context';

const TABLE = 'hub-correlation';
const CORRELATION_ID = 'b0c1498f-476e-5d40-aab6-59ae3e8176ba';
const EXECUTION_ARN =
  'arn:aws:states:eu-central-1:111122223333:execution:QuoteToCash:e1eb111a-50a3-5aa9-b669-a06591939f8a';

const documents = mockClient(DynamoDBDocumentClient);

/** The items of every BatchWrite sent to the correlation table, in order. */
function recorded(): Record<string, unknown>[][] {
  return documents
    .commandCalls(BatchWriteCommand)
    .map((call) =>
      ((call.args[0].input as BatchWriteCommandInput).RequestItems?.[TABLE] ?? []).map((r) => r.PutRequest?.Item ?? {}),
    );
}

function createOrderStep(
  run: (input: { opportunityId: string; sku: string }) => Promise<{ erpOrderId: string; orderNumber: string }>,
) {
  return stepHandler({
    step: 'create-erp-order',
    input: z.object({ opportunityId: z.string().min(1), sku: z.string().min(1) }),
    run,
    inputKeys: ({ opportunityId }) => ({ opportunityId }),
    keys: (result) => ({ erpOrderId: result.erpOrderId, erpOrderNumber: result.orderNumber }),
  });
}

const validInput = {
  correlationId: CORRELATION_ID,
  executionArn: EXECUTION_ARN,
  opportunityId: '0065g00000AbCdEAAZ',
  sku: 'SKU-LAPTOP-14',
};

beforeEach(() => {
  documents.reset();
  documents.on(BatchWriteCommand).resolves({});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stepHandler', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a missing correlation id', { ...validInput, correlationId: undefined }],
    ['a correlation id that is not a UUID', { ...validInput, correlationId: 'txn-1' }],
    ['a missing execution ARN', { ...validInput, executionArn: '' }],
    ['a missing step field', { ...validInput, sku: undefined }],
  ])('refuses %s with InvalidStepInputError, running and recording nothing', async (_, event) => {
    const run = vi.fn();
    const handler = createOrderStep(run);

    const failure = handler(event, lambdaContext());

    await expect(failure).rejects.toBeInstanceOf(InvalidStepInputError);
    await expect(failure).rejects.toMatchObject({
      name: 'InvalidStepInputError',
      message: expect.stringMatching(/^Step create-erp-order received input it cannot use: /),
    });
    expect(run).not.toHaveBeenCalled();
    expect(documents.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('names the offending field in the error', async () => {
    const handler = createOrderStep(vi.fn());

    await expect(handler({ ...validInput, sku: 42 }, lambdaContext())).rejects.toThrow(/sku/);
  });

  it('runs the step with the parsed input and records OK with the input and result keys', async () => {
    const run = vi.fn(async () => ({ erpOrderId: '5123', orderNumber: 'SO1042' }));
    const handler = createOrderStep(run);

    const result = await handler({ ...validInput, extra: 'dropped' }, lambdaContext());

    expect(result).toEqual({ erpOrderId: '5123', orderNumber: 'SO1042' });
    expect(run).toHaveBeenCalledWith(validInput);
    const [items] = recorded();
    expect(items[0]).toMatchObject({
      pk: `txn#${CORRELATION_ID}`,
      step: 'create-erp-order',
      outcome: 'OK',
      executionArn: EXECUTION_ARN,
      opportunityId: '0065g00000AbCdEAAZ',
      erpOrderId: '5123',
      erpOrderNumber: 'SO1042',
      durationMs: expect.any(Number),
    });
    expect(items.slice(1).map((item) => item.pk)).toEqual([
      'key#opportunityId#0065g00000AbCdEAAZ',
      'key#erpOrderId#5123',
      'key#erpOrderNumber#SO1042',
    ]);
  });

  it('records FAILED with the error name, message and input keys, then rethrows the original error', async () => {
    const refusal = new BusinessException('PRODUCT_NOT_MAPPED', 'SKU-LAPTOP-14 has no NetSuite item mapping.');
    const handler = createOrderStep(async () => {
      throw refusal;
    });

    await expect(handler(validInput, lambdaContext())).rejects.toBe(refusal);

    const [items] = recorded();
    expect(items[0]).toMatchObject({
      outcome: 'FAILED',
      error: 'PRODUCT_NOT_MAPPED',
      message: 'SKU-LAPTOP-14 has no NetSuite item mapping.',
      opportunityId: '0065g00000AbCdEAAZ',
    });
    expect(items[0]).not.toHaveProperty('erpOrderId');
    expect(items.slice(1).map((item) => item.pk)).toEqual(['key#opportunityId#0065g00000AbCdEAAZ']);
  });

  it('rethrows the original error even when the failure cannot be recorded', async () => {
    documents.on(BatchWriteCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    const logged = vi.spyOn(logger, 'error');
    const unavailable = new UnavailableError('NetSuite failed POST /salesOrder with HTTP 503');
    const handler = createOrderStep(async () => {
      throw unavailable;
    });

    await expect(handler(validInput, lambdaContext())).rejects.toBe(unavailable);
    expect(logged).toHaveBeenCalledWith('Failed step not recorded', { trackingError: expect.any(UnavailableError) });
  });

  it('fails a successful step as Hub.Unavailable when its outcome cannot be recorded, so it is retried', async () => {
    documents.on(BatchWriteCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    const handler = createOrderStep(async () => ({ erpOrderId: '5123', orderNumber: 'SO1042' }));

    await expect(handler(validInput, lambdaContext())).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'The correlation table could not be written (InternalServerError)',
    });
  });

  it('adds the correlation id and step to the log lines of the step', async () => {
    const appended = vi.spyOn(logger, 'appendKeys');
    const handler = createOrderStep(async () => ({ erpOrderId: '5123', orderNumber: 'SO1042' }));

    await handler(validInput, lambdaContext());

    expect(appended).toHaveBeenCalledWith({ correlationId: CORRELATION_ID, step: 'create-erp-order' });
  });
});

describe('stepHandler deadline', () => {
  let http: FakeHttp;

  beforeEach(() => {
    // Date only: the time left is exact, the timeout signal still runs on real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T08:30:00.000Z'));
    http = new FakeHttp().install();
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  const callNetSuite = () =>
    createOrderStep(async () => {
      await send({ system: 'NetSuite', method: 'POST', url: 'https://ns.example/services/rest/record/v1/salesOrder' });
      return { erpOrderId: '5123', orderNumber: 'SO1042' };
    });

  it('bounds a vendor call made in the step by the remaining time of the invocation, less the reserve', async () => {
    http.on('POST', '/services/rest/record/v1/salesOrder', timedOut());

    const failure = callNetSuite()(validInput, lambdaContext(RESERVED_MS + 4_000));

    await expect(failure).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'NetSuite could not be reached (POST /services/rest/record/v1/salesOrder: no answer within 4000 ms)',
    });
    expect(http.requests).toHaveLength(1);
  });

  it('does not call the vendor when the invocation has no time left for it, and records the failure', async () => {
    http.on('POST', '/services/rest/record/v1/salesOrder', { status: 204 });

    const failure = callNetSuite()(validInput, lambdaContext(RESERVED_MS + 100));

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow(
      'NetSuite was not called (POST /services/rest/record/v1/salesOrder): this attempt ran out of time',
    );
    expect(http.requests).toHaveLength(0);
    const [items] = recorded();
    expect(items[0]).toMatchObject({ outcome: 'FAILED', error: 'Hub.Unavailable' });
  });

  it('gives a step with time to spare the default timeout of a call', async () => {
    http.on('POST', '/services/rest/record/v1/salesOrder', timedOut());

    await expect(callNetSuite()(validInput, lambdaContext(900_000))).rejects.toThrow('no answer within 15000 ms');
  });
});
