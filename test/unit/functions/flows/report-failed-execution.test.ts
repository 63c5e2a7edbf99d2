import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import { BusinessException, ThrottledError } from '../../../../functions/domain/errors';
import { EXCEPTIONS } from '../../../../functions/domain/exceptions';
import {
  classifyFailure,
  type ExecutionStatusChange,
  explain,
  reportFailedExecution,
} from '../../../../functions/flows/report-failed-execution';
import { logger } from '../../../../functions/platform/logger';
import type { CrmPort, DealException } from '../../../../functions/ports/crm';
import { CorrelationStore } from '../../../../functions/stores/correlation-store';

const EXECUTION_ARN =
  'arn:aws:states:eu-central-1:111122223333:execution:QuoteToCash:e1eb111a-50a3-5aa9-b669-a06591939f8a';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-central-1:111122223333:stateMachine:QuoteToCash';
const CORRELATION_ID = 'b0c1498f-476e-5d40-aab6-59ae3e8176ba';

/** The Lambda failure cause Step Functions puts on a failed Task. */
function lambdaCause(errorType: string, errorMessage: string): string {
  return JSON.stringify({
    errorType,
    errorMessage,
    trace: [`${errorType}: ${errorMessage}`, '    at run (index.mjs:1:1)'],
  });
}

/** The execution input: the EventBridge event carrying the canonical event as detail. */
function executionInput(detail: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'opportunity.closed_won',
    source: 'hub.salesforce',
    detail: {
      eventId: 'e1eb111a-50a3-5aa9-b669-a06591939f8a',
      eventType: 'opportunity.closed_won',
      correlationId: CORRELATION_ID,
      source: { system: 'salesforce', tenant: '00D5g000004FAKEEA0', deliveryId: '04l5g000001AbCdAAK' },
      subject: { type: 'opportunity', id: '0065g00000AbCdEAAZ' },
      ...detail,
    },
  });
}

function change(overrides: Partial<ExecutionStatusChange> = {}): ExecutionStatusChange {
  return {
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    status: 'FAILED',
    input: executionInput(),
    error: 'CUSTOMER_ON_CREDIT_HOLD',
    cause: lambdaCause(
      'CUSTOMER_ON_CREDIT_HOLD',
      "Customer 'Müller & Söhne GmbH' (NetSuite CUST00042) is on credit hold in NetSuite.",
    ),
    ...overrides,
  };
}

describe('classifyFailure', () => {
  it('keeps a business exception code and takes the message from the Lambda JSON cause', () => {
    expect(classifyFailure(change())).toEqual({
      code: 'CUSTOMER_ON_CREDIT_HOLD',
      message: "Customer 'Müller & Söhne GmbH' (NetSuite CUST00042) is on credit hold in NetSuite.",
    });
  });

  it.each([
    'Hub.Throttled',
    'Hub.Unavailable',
    'Lambda.ServiceException',
    'Lambda.TooManyRequestsException',
    'States.Timeout',
    'Sandbox.Timedout',
  ])('turns %s that outlived every retry into SYSTEM_UNAVAILABLE', (error) => {
    const failure = classifyFailure(
      change({ error, cause: lambdaCause(error, 'NetSuite failed POST /salesOrder with HTTP 503') }),
    );

    expect(failure).toEqual({
      code: 'SYSTEM_UNAVAILABLE',
      message: 'NetSuite failed POST /salesOrder with HTTP 503',
    });
  });

  it('turns an error it does not know into UNEXPECTED_ERROR, keeping the error name', () => {
    const failure = classifyFailure(
      change({
        error: 'TypeError',
        cause: lambdaCause('TypeError', "Cannot read properties of undefined (reading 'id')"),
      }),
    );

    expect(failure).toEqual({
      code: 'UNEXPECTED_ERROR',
      message: "TypeError: Cannot read properties of undefined (reading 'id')",
    });
  });

  it('keeps a plain-text cause as it is', () => {
    const cause =
      "An error occurred while executing the state 'LoadOrder'. The JSONPath '$.detail.subject.id' specified for the field 'opportunityId.$' could not be found in the input";

    const failure = classifyFailure(change({ error: 'States.Runtime', cause }));

    expect(failure).toEqual({ code: 'UNEXPECTED_ERROR', message: `States.Runtime: ${cause}` });
  });

  it('keeps a JSON cause without errorMessage as it is', () => {
    const cause = JSON.stringify({ statusCode: 500 });

    expect(classifyFailure(change({ error: 'ORDER_DATA_INVALID', cause })).message).toBe(cause);
  });

  it('says when there is no error and no cause', () => {
    expect(classifyFailure(change({ error: null, cause: null }))).toEqual({
      code: 'UNEXPECTED_ERROR',
      message: 'Unknown: No cause was given.',
    });
  });

  it('reports a timed-out execution as EXECUTION_TIMED_OUT whatever the error says', () => {
    expect(classifyFailure(change({ status: 'TIMED_OUT', error: 'States.Timeout' }))).toEqual({
      code: 'EXECUTION_TIMED_OUT',
      message: 'The execution timed out.',
    });
  });

  it('reports a stopped execution as EXECUTION_ABORTED', () => {
    expect(classifyFailure(change({ status: 'ABORTED', error: null, cause: null }))).toEqual({
      code: 'EXECUTION_ABORTED',
      message: 'The execution was stopped.',
    });
  });
});

describe('explain', () => {
  it('puts what happened before what to do', () => {
    expect(explain({ code: 'PRODUCT_NOT_MAPPED', message: 'SKU-X has no item.' })).toBe(
      `SKU-X has no item. ${EXCEPTIONS.PRODUCT_NOT_MAPPED.action}`,
    );
  });
});

class FakeCorrelation extends CorrelationStore {
  readonly marked: Parameters<CorrelationStore['markNeedsAttention']>[0][] = [];

  constructor(private readonly stillCurrent: boolean) {
    super('unused-table');
  }

  override async markNeedsAttention(input: Parameters<CorrelationStore['markNeedsAttention']>[0]): Promise<boolean> {
    this.marked.push(input);
    return this.stillCurrent;
  }
}

/** The CRM the deal was won in, recording what the reporter writes on the deal. */
class FakeCrm implements CrmPort {
  readonly system = 'salesforce';
  readonly title = 'Salesforce';
  readonly exceptions: { dealId: string; exception: DealException }[] = [];

  constructor(private readonly failWith?: Error) {}

  readonly deals: CrmPort['deals'] = {
    loadClosedWon: () => Promise.reject(new Error('not used')),
    writeOrderOutcome: () => Promise.reject(new Error('not used')),
    writeException: async (dealId, exception) => {
      if (this.failWith) throw this.failWith;
      this.exceptions.push({ dealId, exception });
    },
  };

  /** The deployment's CRMs: this one only. */
  get connected() {
    return async (system: string) => (system === this.system ? this : undefined);
  }
}

describe('reportFailedExecution', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('marks the transaction as needing attention and writes the exception on the deal through the CRM port', async () => {
    const correlation = new FakeCorrelation(true);
    const crm = new FakeCrm();
    const explanation = `Customer 'Müller & Söhne GmbH' (NetSuite CUST00042) is on credit hold in NetSuite. ${EXCEPTIONS.CUSTOMER_ON_CREDIT_HOLD.action}`;

    const result = await reportFailedExecution({ correlation, crm: crm.connected }, change());

    expect(result).toEqual({ reported: true, code: 'CUSTOMER_ON_CREDIT_HOLD' });
    expect(correlation.marked).toEqual([
      {
        correlationId: CORRELATION_ID,
        executionArn: EXECUTION_ARN,
        code: 'CUSTOMER_ON_CREDIT_HOLD',
        message: explanation,
      },
    ]);
    expect(crm.exceptions).toEqual([
      { dealId: '0065g00000AbCdEAAZ', exception: { code: 'CUSTOMER_ON_CREDIT_HOLD', explanation } },
    ]);
  });

  it('writes nothing back when a newer execution has taken the transaction over', async () => {
    const correlation = new FakeCorrelation(false);
    const crm = new FakeCrm();

    const result = await reportFailedExecution({ correlation, crm: crm.connected }, change({ status: 'ABORTED' }));

    expect(result).toEqual({ reported: false, code: 'EXECUTION_ABORTED' });
    expect(correlation.marked).toHaveLength(1);
    expect(crm.exceptions).toEqual([]);
  });

  it('ignores an execution whose input has no correlation id, and logs it', async () => {
    const correlation = new FakeCorrelation(true);
    const crm = new FakeCrm();
    const logged = vi.spyOn(logger, 'error');

    const result = await reportFailedExecution(
      { correlation, crm: crm.connected },
      change({ input: JSON.stringify({ detail: {} }) }),
    );

    expect(result).toEqual({ reported: false });
    expect(correlation.marked).toEqual([]);
    expect(crm.exceptions).toEqual([]);
    expect(logged).toHaveBeenCalledWith('Failed execution has no correlation id in its input; nothing to report on', {
      executionArn: EXECUTION_ARN,
    });
  });

  it.each([
    ['no input', null],
    ['an input that is not JSON', '{"detail":'],
  ])('ignores an execution with %s', async (_, input) => {
    const correlation = new FakeCorrelation(true);

    const result = await reportFailedExecution({ correlation, crm: new FakeCrm().connected }, change({ input }));

    expect(result).toEqual({ reported: false });
    expect(correlation.marked).toEqual([]);
  });

  it('records but writes nothing back for a transaction from a CRM this deployment does not connect', async () => {
    const correlation = new FakeCorrelation(true);
    const crm = new FakeCrm();
    const input = executionInput({ source: { system: 'hubspot' }, subject: { type: 'deal', id: '9876' } });

    const result = await reportFailedExecution({ correlation, crm: crm.connected }, change({ input }));

    expect(result).toEqual({ reported: true, code: 'CUSTOMER_ON_CREDIT_HOLD' });
    expect(correlation.marked).toHaveLength(1);
    expect(crm.exceptions).toEqual([]);
  });

  it('lets the CRM refusing the write-back fail the report with its business code', async () => {
    const refusal = new BusinessException('CRM_UPDATE_REJECTED', 'Salesforce refused the update: entity is deleted');

    await expect(
      reportFailedExecution({ correlation: new FakeCorrelation(true), crm: new FakeCrm(refusal).connected }, change()),
    ).rejects.toBe(refusal);
  });

  it('lets a transient CRM failure through so the event is retried', async () => {
    const throttled = new ThrottledError('Salesforce throttled PATCH /sobjects/Opportunity/0065g00000AbCdEAAZ (429)');

    await expect(
      reportFailedExecution(
        { correlation: new FakeCorrelation(true), crm: new FakeCrm(throttled).connected },
        change(),
      ),
    ).rejects.toBe(throttled);
  });
});
