// The receiver Lambda handler adds three things to the ingest logic: base64 bodies from API
// Gateway, the Lambda context for the idempotency claims, and a fault for unexpected failures.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureText } from '../support/fixtures';
import { FakeIdempotencyTable } from '../support/idempotency-table';
import { lambdaContext } from '../support/lambda-context';
import { ORG_ID } from '../support/outbound-messages';
import { mockSecretsManager } from '../support/secrets';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:hub/salesforce/outbound-message-AbCdEf';
const TABLE = 'hub-idempotency';
const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/111122223333/hub-rejected-deliveries';
const SHARED_SECRET = 'om-shared-secret-7f3c9a1e5b2d';
const NOW = new Date('2026-11-22T08:30:00.000Z');

const secrets = mockSecretsManager();
const dynamodb = mockClient(DynamoDBClient);
const eventbridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const soapReader = new XMLParser({ removeNSPrefix: true, parseTagValue: false });

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('OUTBOUND_MESSAGE_SECRET_ARN', SECRET_ARN);
  vi.stubEnv('EVENT_BUS_NAME', 'hub-events');
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', TABLE);
  vi.stubEnv('ALLOWED_ORG_IDS', `${ORG_ID},00D5g000009OTHREA0`);
  vi.stubEnv('MAX_BODY_BYTES', String(512 * 1024));
  vi.stubEnv('REJECTED_DELIVERIES_QUEUE_URL', QUEUE_URL);
  handler = (await import('../../../../functions/handlers/salesforce-receiver')).handler as unknown as Handler;
  vi.unstubAllEnvs();
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  secrets.reset();
  secrets.put(SECRET_ARN, { sharedSecret: SHARED_SECRET });
  dynamodb.reset();
  new FakeIdempotencyTable(TABLE).serve(dynamodb);
  eventbridge.reset();
  eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  vi.useRealTimers();
});

function apiEvent(body: string, options: { base64?: boolean; token?: string } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/salesforce',
    rawPath: '/webhooks/salesforce',
    rawQueryString: `token=${options.token ?? SHARED_SECRET}`,
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: '""',
      'user-agent': 'Jakarta Commons-HttpClient/3.1',
    },
    queryStringParameters: { token: options.token ?? SHARED_SECRET },
    requestContext: {
      accountId: '111122223333',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: {
        method: 'POST',
        path: '/webhooks/salesforce',
        protocol: 'HTTP/1.1',
        sourceIp: '13.108.238.1',
        userAgent: 'Jakarta Commons-HttpClient/3.1',
      },
      requestId: 'JXoJ1gR2FiAEJ7w=',
      routeKey: 'POST /webhooks/salesforce',
      stage: '$default',
      time: '22/Nov/2026:08:30:00 +0000',
      timeEpoch: NOW.getTime(),
    },
    body: options.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

describe('salesforce-receiver handler', () => {
  it('decodes a base64 body from API Gateway and acknowledges after publishing', async () => {
    const body = fixtureText('salesforce/outbound-message-single.xml');

    const response = await handler(apiEvent(body, { base64: true }), lambdaContext());

    expect(response.statusCode).toBe(200);
    expect(soapReader.parse(response.body ?? '').Envelope.Body.notificationsResponse).toEqual({ Ack: 'true' });
    const [put] = eventbridge.commandCalls(PutEventsCommand);
    const detail = JSON.parse(put.args[0].input.Entries?.[0].Detail ?? '');
    expect(detail.data.name).toBe('Müller & Söhne - Laptop refresh');
  });

  it('takes a plain body as it is', async () => {
    const response = await handler(apiEvent(fixtureText('salesforce/outbound-message-batch.xml')), lambdaContext());

    expect(response.statusCode).toBe(200);
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('claims each delivery until the Lambda time runs out (context registered with the idempotency config)', async () => {
    await handler(apiEvent(fixtureText('salesforce/outbound-message-single.xml')), lambdaContext(12_345));

    const claim = unmarshall(dynamodb.commandCalls(PutItemCommand)[0].args[0].input.Item ?? {});
    expect(claim.in_progress_expiration).toBe(NOW.getTime() + 12_345);
  });

  it('acknowledges a redelivery without publishing again', async () => {
    const body = fixtureText('salesforce/outbound-message-single.xml');
    await handler(apiEvent(body), lambdaContext());

    const again = await handler(apiEvent(body), lambdaContext());

    expect(again.statusCode).toBe(200);
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('keeps a notification it cannot use on the rejected-deliveries queue', async () => {
    const body = fixtureText('salesforce/outbound-message-single.xml').replace('sf:Opportunity', 'sf:Account');

    const response = await handler(apiEvent(body), lambdaContext());

    expect(response.statusCode).toBe(200);
    const [sent] = sqs.commandCalls(SendMessageCommand);
    expect(sent.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(sent.args[0].input.MessageBody ?? '')).toMatchObject({
      sender: 'salesforce',
      deliveryId: '04l5g000001AbCdAAK',
    });
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers an unexpected failure with a generic Server fault that hides the internals', async () => {
    secrets.reset();
    secrets.mock.rejects(
      Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), {
        name: 'AccessDeniedException',
      }),
    );

    const response = await handler(apiEvent(fixtureText('salesforce/outbound-message-single.xml')), lambdaContext());

    expect(response.statusCode).toBe(500);
    expect(response.headers).toEqual({ 'content-type': 'text/xml; charset=utf-8' });
    expect(soapReader.parse(response.body ?? '').Envelope.Body.Fault).toEqual({
      faultcode: 'soapenv:Server',
      faultstring: 'Internal error',
    });
    expect(response.body).not.toContain('secretsmanager');
  });

  it('treats a missing body as a malformed message', async () => {
    const event = { ...apiEvent(''), body: undefined };

    const response = await handler(event, lambdaContext());

    expect(response.statusCode).toBe(400);
  });
});
