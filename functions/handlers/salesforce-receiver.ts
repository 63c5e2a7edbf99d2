// POST /webhooks/salesforce: receives Salesforce outbound messages (see ingest/salesforce-outbound-message).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { outboundMessageSecretSchema } from '../connectors/salesforce/credentials';
import { fault } from '../connectors/salesforce/outbound-message';
import { createPublisher } from '../ingest/publisher';
import { createQuarantine } from '../ingest/quarantine';
import { receiveOutboundMessage } from '../ingest/salesforce-outbound-message';
import { listFromEnv, requireEnv } from '../platform/env';
import { logger } from '../platform/logger';
import { readJsonSecret } from '../platform/secrets';

const secretArn = requireEnv('OUTBOUND_MESSAGE_SECRET_ARN');
const { publish, config } = createPublisher({
  busName: requireEnv('EVENT_BUS_NAME'),
  idempotencyTableName: requireEnv('IDEMPOTENCY_TABLE_NAME'),
  // Salesforce retries for 24 hours; remember deliveries for twice that.
  expiresAfterSeconds: 48 * 3600,
});
const receiver = {
  allowedOrgIds: listFromEnv('ALLOWED_ORG_IDS'),
  maxBodyBytes: Number(requireEnv('MAX_BODY_BYTES')),
  sharedSecret: async () => (await readJsonSecret(secretArn, outboundMessageSecretSchema)).sharedSecret,
  publish,
  quarantine: createQuarantine(requireEnv('REJECTED_DELIVERIES_QUEUE_URL')),
};

async function receive(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  config.registerLambdaContext(context);
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  try {
    return await receiveOutboundMessage(
      { body, query: event.queryStringParameters ?? {}, headers: event.headers ?? {} },
      receiver,
    );
  } catch (error) {
    // Internals stay in the logs; Salesforce gets a fault and retries.
    logger.error('Outbound message failed unexpectedly', { error });
    return {
      statusCode: 500,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: fault('Server', 'Internal error'),
    };
  }
}

export const handler = middy(receive).use(injectLambdaContext(logger, { resetKeys: true }));
