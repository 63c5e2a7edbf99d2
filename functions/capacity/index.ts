// The capacity gate of the ERP a function calls, when the deployment gives the function a budget
// (CAPACITY_TABLE_NAME and CAPACITY_SETTINGS, set by lib/capacity.ts); none otherwise.
import { CapacityBudget } from './budget';
import { ErpGate } from './gate';
import { type CapacitySettings, capacitySettingsSchema } from './settings';
import { DEFAULT_FLOW, WaitingLine } from './waiting-line';

export { guardErp } from './gate';

let settings: CapacitySettings | undefined;
const gates = new Map<string, ErpGate>();

function capacitySettings(): CapacitySettings | undefined {
  const raw = process.env.CAPACITY_SETTINGS;
  if (!raw || !process.env.CAPACITY_TABLE_NAME) return undefined;
  settings ??= capacitySettingsSchema.parse(JSON.parse(raw));
  return settings;
}

/**
 * The gate for an ERP account, or undefined when the function calls it without a budget. `title`
 * names the ERP in the messages a refused step fails with; functions that only park and release
 * need none.
 */
export function capacityGate(system: string, title = system): ErpGate | undefined {
  const configured = capacitySettings();
  const budgetSettings = configured?.enabled ? configured.systems[system] : undefined;
  if (!budgetSettings) return undefined;
  let gate = gates.get(system);
  if (!gate) {
    const table = process.env.CAPACITY_TABLE_NAME as string;
    const budget = new CapacityBudget(table, system, budgetSettings);
    gate = new ErpGate(budget, new WaitingLine(table, budget, configured?.flows), title);
    gates.set(system, gate);
  }
  return gate;
}

/** The ERP accounts this function has budgets for. */
export function budgetedSystems(): string[] {
  const configured = capacitySettings();
  return configured?.enabled ? Object.keys(configured.systems) : [];
}

/** The flow a function's ERP calls are counted to (HUB_FLOW, set per flow by the stack). */
export function currentFlow(): string {
  return process.env.HUB_FLOW ?? DEFAULT_FLOW;
}
