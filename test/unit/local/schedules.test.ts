// Schedule rules' building blocks: rate() expressions as AWS accepts them, cron() refused with a
// clear message, the scheduled event's shape, and the timer that fires at the period.
import { describe, expect, it } from 'vitest';
import { every, parseScheduleExpression, scheduledEvent } from '../../../local/eventbridge/schedules';

describe('parseScheduleExpression', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(12 hours)', 43_200_000],
    ['rate(1 day)', 86_400_000],
    ['rate(30 days)', 2_592_000_000],
  ])('reads %s as %i ms', (expression, ms) => {
    // Act / Assess
    expect(parseScheduleExpression(expression)).toBe(ms);
  });

  it.each([
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(0 minutes)',
    'rate(-1 minutes)',
    'rate(1.5 hours)',
    'rate(2 weeks)',
    'rate(5minutes)',
    'rate()',
    'every 5 minutes',
    '',
  ])('refuses %j as not valid', (expression) => {
    // Act / Assess
    expect(() => parseScheduleExpression(expression)).toThrow(/is not valid/);
  });

  it('refuses cron() saying the local hub emulates rate() schedules only', () => {
    // Act / Assess
    expect(() => parseScheduleExpression('cron(0 12 * * ? *)')).toThrow(/emulates rate\(\) schedules only/);
  });
});

describe('scheduledEvent', () => {
  it("has AWS's Scheduled Event shape, the rule as resource and the time without milliseconds", () => {
    // Act
    const event = scheduledEvent(
      'arn:aws:events:us-east-1:000000000000:rule/nightly',
      '000000000000',
      'us-east-1',
      new Date('2026-01-02T03:04:05.678Z'),
    );

    // Assess
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-01-02T03:04:05Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/nightly'],
      detail: {},
    });
  });
});

describe('every', () => {
  it('fires one period after start and then every period, until stopped', async () => {
    // Prepare
    const start = Date.now();
    const fired: number[] = [];

    // Act
    const stop = every(40, () => fired.push(Date.now() - start));
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop();
    const count = fired.length;
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Assess
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(4);
    expect(fired[0]).toBeGreaterThanOrEqual(39);
    expect(fired.length).toBe(count);
  });
});
