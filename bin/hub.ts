#!/usr/bin/env node
// The CDK app: `cdk deploy` deploys it to AWS, `npm start` runs the same synthesized template locally.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../lib/config';
import { HubStack } from '../lib/hub-stack';
import { acknowledgeStackFindings } from '../lib/nag';
import { connectedSystems } from '../lib/systems';

const app = new App();
const config = readConfig(app.node);
const systems = await connectedSystems(config);
const stack = new HubStack(app, `IntegrationHub-${config.stage}`, {
  config,
  systems,
  description: 'Integration hub: SaaS webhooks to ERP flows (quote-to-cash)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
acknowledgeStackFindings(stack);
app.synth();
