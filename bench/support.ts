// Helpers the benchmark parts share: percentiles, what the machine was doing, waiting, and when
// the CRM sandbox saw each order's write-back.
import { cpus, loadavg } from 'node:os';

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * What the machine was doing while a latency was measured. When the machine's cores were busy
 * nearly all the time, or the hub's event loop (where the emulators run) was, the figure measures
 * the queue in front of the emulators rather than the hub's design: it is flagged. The load
 * average is printed as well; it lags by a minute, so it only hints at what ran before.
 */
export function loadMeter(): () => string {
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  const machineBefore = machineTimes();
  const started = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpuBefore);
    const share = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
    const eventLoop = performance.eventLoopUtilization(eluBefore).utilization;
    const machine = machineTimes();
    const machineBusy = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total || 1);
    const saturated = machineBusy >= 0.9 || eventLoop >= 0.9;
    return `[hub CPU ${(share * 100).toFixed(0)}% of one core, its event loop busy ${(eventLoop * 100).toFixed(0)}%; machine busy ${(machineBusy * 100).toFixed(0)}% of ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}${saturated ? '; SATURATED: the machine set this figure' : ''}]`;
  };
}

function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the sandbox finished each opportunity's write-back PATCH (epoch ms). */
export async function writeBacks(salesforceUrl: string, ids: string[]): Promise<Map<string, number>> {
  const requests = (await (await fetch(`${salesforceUrl}/_sandbox/requests`)).json()) as {
    method: string;
    path: string;
    status: number;
    finishedAt: string;
  }[];
  const wanted = new Set(ids);
  const found = new Map<string, number>();
  for (const r of requests) {
    const id = r.path.split('/').pop() as string;
    if (r.method === 'PATCH' && r.status === 204 && wanted.has(id)) found.set(id, Date.parse(r.finishedAt));
  }
  return found;
}
