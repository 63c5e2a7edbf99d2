// Quote-to-cash step: choose the ERP that receives the order (and a shadow ERP, during a cutover).
import * as z from 'zod';
import { salesOrderV1 } from '../domain/canonical/sales-order';
import { routingSchema } from '../domain/routing';
import { routeOrder } from '../flows/quote-to-cash/route-order';
import { requireEnv } from '../platform/env';
import { stepHandler } from '../platform/step-handler';
import { CorrelationStore } from '../stores/correlation-store';

const deps = {
  routing: routingSchema.parse(JSON.parse(requireEnv('ROUTING'))),
  correlation: new CorrelationStore(requireEnv('CORRELATION_TABLE_NAME')),
};

export const handler = stepHandler({
  step: 'route-order',
  input: z.object({ order: salesOrderV1 }),
  run: ({ correlationId, order }) => routeOrder(deps, correlationId, order),
});
