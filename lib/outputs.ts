import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export { OUTPUTS } from '../stack-contract';

/** An output under a fixed name (stack-contract.ts), whatever construct creates it. */
export function stackOutput(scope: Construct, name: string, description: string, value: string): CfnOutput {
  const output = new CfnOutput(scope, name, { description, value });
  output.overrideLogicalId(name);
  return output;
}
