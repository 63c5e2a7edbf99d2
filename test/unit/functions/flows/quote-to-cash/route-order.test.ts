import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import { type Route, routingSchema } from '../../../../../functions/domain/routing';
import { routeOrder } from '../../../../../functions/flows/quote-to-cash/route-order';
import { logger } from '../../../../../functions/platform/logger';
import { CorrelationStore } from '../../../../../functions/stores/correlation-store';
import { salesOrder } from '../../support/orders';

const CORRELATION_ID = 'b0c1498f-476e-5d40-aab6-59ae3e8176ba';

/** The correlation table's route: keeps the first route recorded per transaction, like if_not_exists. */
class FakeCorrelation extends CorrelationStore {
  readonly recorded: { correlationId: string; route: Route }[] = [];

  constructor(private readonly earlier: Record<string, Route> = {}) {
    super('unused-table');
  }

  override async recordRoute(correlationId: string, route: Route): Promise<Route> {
    this.recorded.push({ correlationId, route });
    this.earlier[correlationId] ??= route;
    return this.earlier[correlationId];
  }
}

const routing = routingSchema.parse({
  rules: [{ name: 'dach', target: 'sap-s4hana', shadow: 'netsuite', when: { country: ['DE', 'AT', 'CH'] } }],
  default: { target: 'netsuite' },
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('routeOrder', () => {
  it('records the route the routing chooses and returns it', async () => {
    const correlation = new FakeCorrelation();

    const route = await routeOrder({ routing, correlation }, CORRELATION_ID, salesOrder());

    expect(route).toEqual({ target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' });
    expect(correlation.recorded).toEqual([
      { correlationId: CORRELATION_ID, route: { target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' } },
    ]);
  });

  it('keeps the route of an earlier execution when the routing has changed since, and says so', async () => {
    const earlier: Route = { target: 'netsuite', rule: 'default' };
    const correlation = new FakeCorrelation({ [CORRELATION_ID]: earlier });
    const logged = vi.spyOn(logger, 'info');

    const route = await routeOrder({ routing, correlation }, CORRELATION_ID, salesOrder());

    expect(route).toEqual({ target: 'netsuite', rule: 'default' });
    expect(correlation.recorded[0].route).toEqual({ target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' });
    expect(logged).toHaveBeenCalledWith('Transaction keeps the ERP it was first routed to', {
      route: earlier,
      routingNow: { target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' },
    });
  });

  it('logs nothing when the stored route has the target the routing chooses', async () => {
    const correlation = new FakeCorrelation();
    const logged = vi.spyOn(logger, 'info');
    const order = salesOrder();
    order.customer.billingAddress.country = 'US';

    await expect(routeOrder({ routing, correlation }, CORRELATION_ID, order)).resolves.toEqual({
      target: 'netsuite',
      rule: 'default',
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('lets a failure to record the route through, so the step is retried', async () => {
    const correlation = new FakeCorrelation();
    const down = new Error('The correlation table could not be written (InternalServerError)');
    vi.spyOn(correlation, 'recordRoute').mockRejectedValue(down);

    await expect(routeOrder({ routing, correlation }, CORRELATION_ID, salesOrder())).rejects.toBe(down);
  });
});
