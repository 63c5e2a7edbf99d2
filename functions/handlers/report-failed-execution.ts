// Target of the "execution failed, timed out or aborted" rule: reports the business exception.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { crm, isConnected } from '../connectors/registry';
import { type ExecutionStatusChange, reportFailedExecution } from '../flows/report-failed-execution';
import { requireEnv } from '../platform/env';
import { logger } from '../platform/logger';
import { CorrelationStore } from '../stores/correlation-store';

const deps = {
  correlation: new CorrelationStore(requireEnv('CORRELATION_TABLE_NAME')),
  crm: async (system: string) => (isConnected(system) ? crm(system) : undefined),
};

export const handler = middy((event: EventBridgeEvent<string, ExecutionStatusChange>) =>
  reportFailedExecution(deps, event.detail),
).use(injectLambdaContext(logger, { resetKeys: true }));
