// Schedule rules (ScheduleExpression): rate() expressions, the "Scheduled Event" EventBridge sends
// their targets, and a timer that fires at the rate from the moment the rule exists.
import { randomUUID } from 'node:crypto';

/** setTimeout's longest wait: a longer one overflows and fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The period of a `rate(value unit)` expression, in milliseconds; AWS's singular-for-1, plural-otherwise rule included. */
export function parseScheduleExpression(expression: string): number {
  if (/^cron\(.*\)$/.test(expression.trim())) {
    throw new Error(
      `Schedule expression ${expression}: the local hub emulates rate() schedules only, not cron() (use rate(N minutes|hours|days))`,
    );
  }
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) {
    throw new Error(`Schedule expression ${expression} is not valid: expected rate(N minutes|hours|days)`);
  }
  const value = Number(match[1]);
  const plural = match[2].endsWith('s');
  if (value < 1 || plural !== value > 1) {
    throw new Error(
      `Schedule expression ${expression} is not valid: the value must be positive, with a singular unit for 1 and a plural one otherwise`,
    );
  }
  return value * UNIT_MS[plural ? match[2].slice(0, -1) : match[2]];
}

/** The event EventBridge sends the targets of a schedule rule. */
export function scheduledEvent(ruleArn: string, account: string, region: string, time: Date) {
  return {
    version: '0' as const,
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [ruleArn],
    detail: {},
  };
}

/**
 * Calls `fire` with its due time every `periodMs`, the first one period from now. A run missed
 * while the machine slept fires once, not once per missed period. The timer keeps no process alive.
 */
export function every(periodMs: number, fire: (due: Date) => void): () => void {
  let due = Date.now() + periodMs;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    timer = setTimeout(tick, Math.min(Math.max(due - Date.now(), 0), MAX_TIMER_MS));
    timer.unref();
  };
  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    if (now >= due) {
      const firing = new Date(due);
      while (due <= now) due += periodMs;
      fire(firing);
    }
    if (!stopped) arm();
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
