// The Salesforce receiver over HTTP on the local hub: who may deliver, what is refused, what is
// kept aside, and what happens when the bus refuses the events.
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_ACCOUNTS, SANDBOX_ORG_ID } from '../../sandboxes/catalog';
import { eventually, startTestHub, type TestHub, transactionReaching } from './local-hub';

let test: TestHub;
let webhookUrl: string;
let token: string;

beforeAll(async () => {
  test = await startTestHub();
  const endpoint = new URL(test.hub.webhookEndpoints.salesforce);
  token = endpoint.searchParams.get('token') as string;
  webhookUrl = `${endpoint.origin}${endpoint.pathname}`;
});

afterAll(async () => {
  await test?.stop();
});

function outboundMessage(options: {
  orgId?: string;
  notifications: { id: string; type?: string; fields: Record<string, string> }[];
}) {
  const notifications = options.notifications
    .map(
      (n) =>
        `<Notification><Id>${n.id}</Id><sObject xsi:type="sf:${n.type ?? 'Opportunity'}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${Object.entries(
          n.fields,
        )
          .map(([k, v]) => `<sf:${k}>${v}</sf:${k}>`)
          .join('')}</sObject></Notification>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${options.orgId ?? SANDBOX_ORG_ID}</OrganizationId><ActionId>04k5g000000TEST</ActionId>${notifications}</notifications></soapenv:Body></soapenv:Envelope>`;
}

async function post(body: string, query = `?token=${encodeURIComponent(token)}`) {
  const response = await fetch(`${webhookUrl}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body,
  });
  return { status: response.status, body: await response.text() };
}

const validMessage = () =>
  outboundMessage({
    notifications: [
      { id: `04l5g0000${Date.now()}`.slice(0, 18), fields: { Id: '0065g000000FAKE1AA', StageName: 'Closed Won' } },
    ],
  });

describe('Salesforce outbound-message receiver', () => {
  it('refuses a delivery with a forged or missing token and publishes nothing', async () => {
    const before = test.hub.eventBridge.stats.accepted;
    const forged = await post(validMessage(), '?token=guessed');
    const missing = await post(validMessage(), '');

    expect(forged.status).toBe(401);
    expect(forged.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(missing.status).toBe(401);
    expect(test.hub.eventBridge.stats.accepted).toBe(before);
  });

  it('refuses an organization that is not on the allow-list', async () => {
    const response = await post(
      outboundMessage({
        orgId: '00D000000000001AAA',
        notifications: [{ id: '04l5g000000AAA1AAA', fields: { Id: '0065g000000FAKE2AA' } }],
      }),
    );
    expect(response.status).toBe(403);
    expect(response.body).toContain('is not allowed');
  });

  it('refuses a body that is not an outbound message, and one over the size limit', async () => {
    const malformed = await post('<notifications><unclosed>');
    const notSoap = await post('{"hello":"json"}');
    const oversized = await post(`<x>${'a'.repeat(1024 * 1024 + 10)}</x>`);

    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain('not well-formed XML');
    expect(notSoap.status).toBe(400);
    expect(oversized.status).toBe(413);
  });

  it('keeps a notification it cannot use in the rejected-deliveries queue and acknowledges the rest', async () => {
    const before = test.hub.eventBridge.stats.accepted;
    const response = await post(
      outboundMessage({
        notifications: [
          { id: '04l5g000000ACC1AAA', type: 'Account', fields: { Id: '0015g00000ACME1AAP' } },
          { id: '04l5g000000OPP1AAA', fields: { Id: '0065g000000FAKE3AA', StageName: 'Closed Won' } },
        ],
      }),
    );

    expect(response.status).toBe(200);
    expect(response.body).toContain('<Ack>true</Ack>');
    expect(test.hub.eventBridge.stats.accepted).toBe(before + 1);
    const queued = await test.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: test.hub.queues['Ingest/SalesforceRejectedDeliveries'],
        MaxNumberOfMessages: 10,
      }),
    );
    const rejection = JSON.parse(queued.Messages?.[0]?.Body ?? '{}');
    expect(rejection).toMatchObject({ sender: 'salesforce', deliveryId: '04l5g000000ACC1AAA' });
    expect(rejection.reason).toMatch(/Account/);
  });

  it('does not acknowledge while the bus refuses events; Salesforce retries and the order is created once', async () => {
    test.hub.eventBridge.fault = { mode: 'failed-entries' };
    const opportunityId = await test.rep.createOpportunity({
      accountId: CATALOG_ACCOUNTS[2].salesforceId,
      name: 'Initech - during a bus failure',
      lines: [{ productCode: 'SKU-MON-27', quantity: 3 }],
    });
    await test.rep.closeWon(opportunityId);

    const refused = await eventually(async () =>
      (await test.rep.deliveries()).find((d) => d.outcome === 'failed' && d.httpStatus === 500),
    );
    const pending = (await test.rep.state()).outbox.find((n) => n.recordId === opportunityId);
    expect(refused.notificationIds).toContain(pending?.notificationId);
    expect(pending?.status).not.toBe('acknowledged');

    test.hub.eventBridge.fault = undefined;
    await transactionReaching(test, opportunityId, 'COMPLETED');
    const outbox = (await test.rep.state()).outbox.find((n) => n.recordId === opportunityId);
    expect(outbox?.status).toBe('acknowledged');
    expect(outbox?.attempts).toBeGreaterThan(1);
  });

  it('answers an API Gateway 404 for routes the stack does not define', async () => {
    const response = await fetch(`${new URL(webhookUrl).origin}/webhooks/unknown`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });
});
