import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { chooseRoute, type Route, type Routing } from '../../domain/routing';
import { logger } from '../../platform/logger';
import type { CorrelationStore } from '../../stores/correlation-store';

/**
 * Chooses the ERP for the order and records it on the transaction. A transaction routed before
 * (an earlier execution, since redriven or taken over) keeps its first route.
 */
export async function routeOrder(
  deps: { routing: Routing; correlation: CorrelationStore },
  correlationId: string,
  order: SalesOrderV1,
): Promise<Route> {
  const chosen = chooseRoute(deps.routing, order);
  const route = await deps.correlation.recordRoute(correlationId, chosen);
  if (route.target !== chosen.target) {
    logger.info('Transaction keeps the ERP it was first routed to', { route, routingNow: chosen });
  }
  return route;
}
