import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

export const eventbridge = new EventBridgeClient({});
