// The state-machine execution a step invocation works for, so code deep in a call (the ERP
// capacity gate) can tell whose turn it is without every port operation carrying it.
import { AsyncLocalStorage } from 'node:async_hooks';

const executions = new AsyncLocalStorage<string>();

export function withExecution<T>(executionArn: string, work: () => Promise<T>): Promise<T> {
  return executions.run(executionArn, work);
}

/** The execution's ARN, or undefined outside a step (scripts, tests). */
export function currentExecution(): string | undefined {
  return executions.getStore();
}
