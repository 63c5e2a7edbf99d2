// LambdaRuntime with fixture bundles (test/fixtures/local/functions): results, errors named as
// Lambda names them, per-function environments, timeouts, init errors, environment reuse and
// the environment cap, asynchronous retries and dead letters, cold starts, logs, *.localhost.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LambdaError } from '../../../local/lambda/protocol';
import {
  FunctionError,
  LambdaRuntime,
  type LambdaRuntimeOptions,
  type LocalFunction,
} from '../../../local/lambda/runtime';
import { eventually, fixtureFunction } from './support';

const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

function fn(name: string, fixture: string, overrides: Partial<LocalFunction> = {}): LocalFunction {
  return {
    name,
    arn: fnArn(name),
    modulePath: fixtureFunction(fixture),
    handlerName: 'handler',
    environment: {},
    timeoutMs: 5_000,
    memorySize: 256,
    ...overrides,
  };
}

const runtimes: LambdaRuntime[] = [];
const directories: string[] = [];

function createRuntime(functions: LocalFunction[], options: Partial<LambdaRuntimeOptions> = {}): LambdaRuntime {
  const runtime = new LambdaRuntime({ functions, baseEnvironment: {}, ...options });
  runtimes.push(runtime);
  return runtime;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const runtime of runtimes.splice(0)) await runtime.stop();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<FunctionError> {
  try {
    await promise;
  } catch (error) {
    return error as FunctionError;
  }
  throw new Error('expected the invocation to fail');
}

interface EchoResult {
  environmentId: string;
  env: Record<string, string | null>;
  functionName: string;
  remainingMs: number;
  event: unknown;
}

interface SleeperResult {
  environmentId: string;
  startedAt: number;
  endedAt: number;
}

describe('invocation', () => {
  it('returns the handler result, with the Lambda context filled in', async () => {
    // Prepare
    const runtime = createRuntime([fn('echo', 'echo-env', { timeoutMs: 4_000 })]);

    // Act
    const result = (await runtime.invoke('echo', { orderId: 'o-1' })) as EchoResult;

    // Assess
    expect(result.event).toEqual({ orderId: 'o-1' });
    expect(result.functionName).toBe('echo');
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(4_000);
  });

  it('finds a function by name or ARN and describes it', async () => {
    // Prepare
    const echo = fn('echo', 'echo-env');
    const runtime = createRuntime([echo, fn('other', 'echo-env')]);

    // Act
    const byArn = (await runtime.invoke(fnArn('echo'), {})) as EchoResult;

    // Assess
    expect(byArn.functionName).toBe('echo');
    expect(runtime.functionNames()).toEqual(['echo', 'other']);
    expect(runtime.describe(fnArn('echo'))).toBe(echo);
  });

  it('fails an unknown function with ResourceNotFoundException', async () => {
    // Prepare
    const runtime = createRuntime([]);

    // Act
    const error = await failure(runtime.invoke('missing', {}));

    // Assess
    expect(error).toBeInstanceOf(FunctionError);
    expect(error.name).toBe('ResourceNotFoundException');
    expect(() => runtime.invokeAsync(fnArn('missing'), {})).toThrow(FunctionError);
  });

  it('turns a thrown error into a FunctionError named by its errorType', async () => {
    // Prepare
    const runtime = createRuntime([fn('rejects', 'named-error')]);

    // Act
    const error = await failure(runtime.invoke('rejects', { orderId: 'o-9' }));

    // Assess
    expect(error).toBeInstanceOf(FunctionError);
    expect(error.name).toBe('OrderRejected');
    expect(error.message).toBe('order o-9 rejected');
    expect(error.payload).toMatchObject({ errorType: 'OrderRejected', errorMessage: 'order o-9 rejected' });
    expect(error.payload.trace[0]).toBe('OrderRejected: order o-9 rejected');
    expect(runtime.stats().rejects).toMatchObject({ invocations: 1, errors: 1 });
  });

  it('keeps the environment after a handler error', async () => {
    // Prepare
    const runtime = createRuntime([fn('rejects', 'named-error')]);
    await failure(runtime.invoke('rejects', {}));

    // Act
    await failure(runtime.invoke('rejects', {}));

    // Assess
    expect(runtime.stats().rejects).toMatchObject({ invocations: 2, errors: 2, coldStarts: 1 });
  });

  it('fails with Runtime.HandlerNotFound when the bundle does not export the handler', async () => {
    // Prepare
    const runtime = createRuntime([fn('wrong-export', 'echo-env', { handlerName: 'main' })]);

    // Act
    const error = await failure(runtime.invoke('wrong-export', {}));

    // Assess
    expect(error.name).toBe('Runtime.HandlerNotFound');
    expect(error.message).toBe('main is not a function exported by the bundle');
  });

  it('fails with Runtime.ExitError when the handler ends its environment', async () => {
    // Prepare
    const runtime = createRuntime([fn('exits', 'exits')]);

    // Act
    const error = await failure(runtime.invoke('exits', {}));

    // Assess
    expect(error.name).toBe('Runtime.ExitError');
    expect(error.message).toBe('Execution environment exited with code 3');
  });
});

describe('environment variables', () => {
  it('gives each function its own variables over the base environment, and nothing of the host process', async () => {
    // Prepare
    vi.stubEnv('HOST_ONLY_FOR_TEST', 'host');
    const runtime = createRuntime(
      [
        fn('alpha', 'echo-env', { environment: { GREETING: 'hello-alpha', SHARED: 'from-alpha' } }),
        fn('beta', 'echo-env', { environment: { GREETING: 'hello-beta' }, memorySize: 1024 }),
      ],
      { baseEnvironment: { SHARED: 'from-base', AWS_REGION: 'eu-west-1' } },
    );
    const names = [
      'GREETING',
      'SHARED',
      'AWS_REGION',
      'HOST_ONLY_FOR_TEST',
      'AWS_LAMBDA_FUNCTION_NAME',
      'AWS_LAMBDA_FUNCTION_VERSION',
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'AWS_LAMBDA_LOG_GROUP_NAME',
    ];

    // Act
    const [alpha, beta] = (await Promise.all([
      runtime.invoke('alpha', { names }),
      runtime.invoke('beta', { names }),
    ])) as EchoResult[];

    // Assess
    expect(alpha.env).toEqual({
      GREETING: 'hello-alpha',
      SHARED: 'from-alpha',
      AWS_REGION: 'eu-west-1',
      HOST_ONLY_FOR_TEST: null,
      AWS_LAMBDA_FUNCTION_NAME: 'alpha',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/alpha',
    });
    expect(beta.env).toMatchObject({
      GREETING: 'hello-beta',
      SHARED: 'from-base',
      AWS_REGION: 'eu-west-1',
      HOST_ONLY_FOR_TEST: null,
      AWS_LAMBDA_FUNCTION_NAME: 'beta',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    });
    expect(process.env.GREETING).toBeUndefined();
  });

  it('reads the base environment when an environment starts, so values set after construction apply', async () => {
    // Prepare
    const baseEnvironment: Record<string, string> = {};
    const runtime = createRuntime([fn('late', 'echo-env')], { baseEnvironment });

    // Act
    baseEnvironment.AWS_ENDPOINT_URL_SFN = 'http://127.0.0.1:4567';
    const result = (await runtime.invoke('late', { names: ['AWS_ENDPOINT_URL_SFN'] })) as EchoResult;

    // Assess
    expect(result.env.AWS_ENDPOINT_URL_SFN).toBe('http://127.0.0.1:4567');
  });

  it('resolves *.localhost host names to 127.0.0.1 inside an environment', async () => {
    // Prepare
    const runtime = createRuntime([fn('dns', 'localhost-dns')]);

    // Act
    const result = await runtime.invoke('dns', { hostname: 'sqs.us-east-1.localhost' });

    // Assess
    expect(result).toEqual({ address: '127.0.0.1', family: 4 });
  });
});

describe('timeouts and init errors', () => {
  it('fails an invocation past the timeout with Sandbox.Timedout and replaces the environment', async () => {
    // Prepare
    const runtime = createRuntime([fn('slow', 'sleeper', { timeoutMs: 300 })]);
    const before = (await runtime.invoke('slow', { ms: 0 })) as SleeperResult;
    const started = performance.now();

    // Act
    const error = await failure(runtime.invoke('slow', { ms: 30_000 }));
    const elapsed = performance.now() - started;
    const after = (await runtime.invoke('slow', { ms: 0 })) as SleeperResult;

    // Assess
    expect(error).toBeInstanceOf(FunctionError);
    expect(error.name).toBe('Sandbox.Timedout');
    expect(error.message).toBe('Task timed out after 0.30 seconds');
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(5_000);
    expect(after.environmentId).not.toBe(before.environmentId);
    expect(runtime.stats().slow).toMatchObject({ invocations: 3, errors: 1, coldStarts: 2 });
  });

  it('fails every invocation of a bundle that throws at import with the error name', async () => {
    // Prepare
    const runtime = createRuntime([fn('broken', 'init-error')]);

    // Act
    const first = await failure(runtime.invoke('broken', {}));
    const second = await failure(runtime.invoke('broken', {}));

    // Assess
    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(FunctionError);
      expect(error.name).toBe('ConfigurationMissing');
      expect(error.message).toBe('TABLE_NAME is not set');
    }
    expect(runtime.stats().broken).toMatchObject({ invocations: 2, errors: 2, coldStarts: 0 });
  });
});

describe('execution environments', () => {
  it('reuses one environment for sequential invocations: one cold start', async () => {
    // Prepare
    const runtime = createRuntime([fn('echo', 'echo-env')]);

    // Act
    const results = [] as EchoResult[];
    for (let i = 0; i < 3; i++) results.push((await runtime.invoke('echo', { i })) as EchoResult);

    // Assess
    expect(new Set(results.map((r) => r.environmentId)).size).toBe(1);
    const stats = runtime.stats().echo;
    expect(stats).toMatchObject({ invocations: 3, errors: 0, coldStarts: 1 });
    expect(stats.initMs).toHaveLength(1);
    expect(stats.durationMs).toHaveLength(3);
    expect(stats.waitMs).toHaveLength(3);
  });

  it('makes extra invocations wait for an environment beyond maxEnvironments', async () => {
    // Prepare
    const runtime = createRuntime([fn('slow', 'sleeper')], { maxEnvironments: 1 });

    // Act
    const [a, b] = (await Promise.all([
      runtime.invoke('slow', { ms: 150 }),
      runtime.invoke('slow', { ms: 150 }),
    ])) as SleeperResult[];

    // Assess
    const [first, second] = [a, b].sort((x, y) => x.startedAt - y.startedAt);
    expect(second.startedAt).toBeGreaterThanOrEqual(first.endedAt);
    expect(a.environmentId).toBe(b.environmentId);
    const stats = runtime.stats().slow;
    expect(stats.coldStarts).toBe(1);
    expect(Math.max(...stats.waitMs)).toBeGreaterThanOrEqual(140);
  });

  it('runs invocations side by side in separate environments up to maxEnvironments', async () => {
    // Prepare
    const runtime = createRuntime([fn('slow', 'sleeper')], { maxEnvironments: 2 });
    runtime.warm(2);
    await eventually(() => runtime.stats().slow.coldStarts === 2, { what: 'two warm environments' });

    // Act
    const [a, b] = (await Promise.all([
      runtime.invoke('slow', { ms: 200 }),
      runtime.invoke('slow', { ms: 200 }),
    ])) as SleeperResult[];

    // Assess
    expect(a.environmentId).not.toBe(b.environmentId);
    expect(Math.max(a.startedAt, b.startedAt)).toBeLessThan(Math.min(a.endedAt, b.endedAt));
    expect(runtime.stats().slow.coldStarts).toBe(2);
  });

  it('gives a waiting invocation a new environment when the busy one is discarded', async () => {
    // Prepare
    const runtime = createRuntime([fn('slow', 'sleeper', { timeoutMs: 200 })], { maxEnvironments: 1 });

    // Act
    const [timedOut, waited] = await Promise.allSettled([
      runtime.invoke('slow', { ms: 30_000 }),
      runtime.invoke('slow', { ms: 0 }),
    ]);

    // Assess
    expect(timedOut.status).toBe('rejected');
    expect((timedOut as PromiseRejectedResult).reason.name).toBe('Sandbox.Timedout');
    expect(waited.status).toBe('fulfilled');
    expect(runtime.stats().slow.coldStarts).toBe(2);
  });

  it('warms environments in the background, never more than maxEnvironments', async () => {
    // Prepare
    const runtime = createRuntime([fn('echo', 'echo-env')], { maxEnvironments: 2 });

    // Act
    runtime.warm(5);
    await eventually(() => runtime.stats().echo.coldStarts === 2, { what: 'two warm environments' });
    runtime.warm(5);
    const results = (await Promise.all([runtime.invoke('echo', {}), runtime.invoke('echo', {})])) as EchoResult[];

    // Assess
    expect(new Set(results.map((r) => r.environmentId)).size).toBe(2);
    expect(runtime.stats().echo.coldStarts).toBe(2);
  });

  it('warms as many environments as asked when the cap allows them', async () => {
    // Prepare
    const runtime = createRuntime([fn('echo', 'echo-env')], { maxEnvironments: 4 });

    // Act
    runtime.warm(3);
    await eventually(() => runtime.stats().echo.coldStarts === 3, { what: 'three warm environments' });
    const results = (await Promise.all([1, 2, 3].map(() => runtime.invoke('echo', {})))) as EchoResult[];

    // Assess
    expect(new Set(results.map((r) => r.environmentId)).size).toBe(3);
    expect(runtime.stats().echo.coldStarts).toBe(3);
  });

  it('measures a cold start in a fresh environment without counting it in the stats', async () => {
    // Prepare
    const runtime = createRuntime([fn('echo', 'echo-env')]);

    // Act
    const initMs = await runtime.measureColdStart(fnArn('echo'));

    // Assess
    expect(typeof initMs).toBe('number');
    expect(initMs).toBeGreaterThan(0);
    expect(initMs).toBeLessThan(10_000);
    expect(runtime.stats().echo.coldStarts).toBe(0);
  });

  it('writes what the handler logs to <logDirectory>/<function>.log', async () => {
    // Prepare
    const logDirectory = join(mkdtempSync(join(tmpdir(), 'lambda-logs-')), 'nested');
    directories.push(logDirectory);
    const runtime = createRuntime([fn('logger', 'echo-env')], { logDirectory });

    // Act
    await runtime.invoke('logger', { marker: 'log-marker-42' });

    // Assess
    const file = join(logDirectory, 'logger.log');
    const content = await eventually(
      () => {
        try {
          const text = readFileSync(file, 'utf8');
          return text.includes('log-marker-42') && text;
        } catch {
          return undefined;
        }
      },
      { what: 'the log line' },
    );
    expect(content).toContain('echo-env invoked with {"marker":"log-marker-42"}');
  });
});

describe('asynchronous invocation', () => {
  it('retries a failing invocation, then sends the event and the error to the dead-letter queue', async () => {
    // Prepare
    const deadLetters: { queueArn: string; body: string; error: LambdaError }[] = [];
    const dlq = 'arn:aws:sqs:us-east-1:000000000000:fn-dlq';
    const runtime = createRuntime([fn('rejects', 'named-error', { deadLetterQueueArn: dlq })], {
      asyncRetryDelaysMs: [5, 5],
      deadLetter: async (queueArn, body, error) => {
        deadLetters.push({ queueArn, body, error });
      },
    });

    // Act
    runtime.invokeAsync(fnArn('rejects'), { orderId: 'o-async' });
    await eventually(() => deadLetters.length === 1, { what: 'the dead letter' });

    // Assess
    expect(deadLetters[0].queueArn).toBe(dlq);
    expect(JSON.parse(deadLetters[0].body)).toEqual({ orderId: 'o-async' });
    expect(deadLetters[0].error).toMatchObject({ errorType: 'OrderRejected', errorMessage: 'order o-async rejected' });
    expect(runtime.stats().rejects).toMatchObject({ invocations: 3, errors: 3 });
  });

  it('runs a succeeding asynchronous invocation once, without a dead letter', async () => {
    // Prepare
    const deadLetters: string[] = [];
    const runtime = createRuntime([fn('echo', 'echo-env', { deadLetterQueueArn: 'arn:aws:sqs:::dlq' })], {
      asyncRetryDelaysMs: [5, 5],
      deadLetter: async (_, body) => {
        deadLetters.push(body);
      },
    });

    // Act
    runtime.invokeAsync('echo', { ok: true });
    await eventually(() => runtime.stats().echo.durationMs.length === 1, { what: 'the invocation' });

    // Assess
    expect(runtime.stats().echo).toMatchObject({ invocations: 1, errors: 0 });
    expect(deadLetters).toEqual([]);
  });
});
