export type { NetSuiteSandbox, NetSuiteSandboxOptions } from './server';
export { startNetSuiteSandbox } from './server';
