import { Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { routedSystems } from '../functions/domain/routing';
import { Capacity } from './capacity';
import type { HubConfig } from './config';
import { Connections } from './connections';
import { Ingest } from './ingest';
import { QUOTE_TO_CASH, QuoteToCash } from './quote-to-cash';
import { webhookSenders } from './senders';
import type { ConnectedSystem } from './systems';
import { Tracking } from './tracking';

export interface HubStackProps extends StackProps {
  readonly config: HubConfig;
  /** The connected systems, from lib/systems.ts. */
  readonly systems: readonly ConnectedSystem[];
}

/** The integration hub: webhook ingest -> event bus -> business flows, with their tracking. */
export class HubStack extends Stack {
  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    const { config, systems } = props;
    const tracking = new Tracking(this, 'Tracking');
    const connections = new Connections(this, 'Connections', { stage: config.stage, systems });
    const bus = new EventBus(this, 'Bus', { eventBusName: `hub-${config.stage}` });
    new Ingest(this, 'Ingest', {
      stage: config.stage,
      bus,
      idempotencyTable: tracking.idempotencyTable,
      senders: webhookSenders(systems),
    });
    const capacity = new Capacity(this, 'Capacity', {
      settings: config.capacity,
      erps: routedSystems(config.routing),
      flows: [QUOTE_TO_CASH],
      systems,
      connections,
    });
    new QuoteToCash(this, 'QuoteToCash', {
      capacity,
      bus,
      correlationTable: tracking.correlationTable,
      itemMappingTable: tracking.itemMappingTable,
      systems,
      connections,
      routing: config.routing,
    });
  }
}
