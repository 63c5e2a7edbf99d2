// Lambda refuses a function whose environment passes 4 KB only at deploy time; the hub says so
// at synth, naming the function.
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { HubFunction } from '../../../lib/hub-function';

function functionWith(environment: Record<string, string>) {
  const stack = new Stack(new App(), 'Test');
  return new HubFunction(stack, 'Step', { handler: 'q2c-route-order', description: 'test', environment });
}

describe('HubFunction', () => {
  it('accepts an environment within Lambda 4 KB', () => {
    expect(functionWith({ ROUTING: 'x'.repeat(2000) }).node.validate()).toEqual([]);
  });

  it('refuses at synth an environment over 4 KB, naming the function', () => {
    const [problem] = functionWith({ ROUTING: 'x'.repeat(5000) }).node.validate();

    expect(problem).toMatch(/^The environment of Test\/Step is about \d+ bytes; Lambda allows 4096/);
  });
});
