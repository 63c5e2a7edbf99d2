export { type SalesforceSandbox, type SalesforceSandboxOptions, startSalesforceSandbox } from './server';
