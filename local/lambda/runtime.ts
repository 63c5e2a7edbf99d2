// Runs the template's Lambda functions on this machine: each function gets a pool of execution
// environments (worker threads) that load its bundled code from the cloud assembly, with the
// function's own environment variables and timeout.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LAMBDA_TIMEOUT_ERROR } from '../../functions/domain/errors';
import type { LambdaError, WorkerReply, WorkerSetup } from './protocol';

export interface LocalFunction {
  name: string;
  arn: string;
  modulePath: string;
  handlerName: string;
  environment: Record<string, string>;
  timeoutMs: number;
  memorySize: number;
  /** Where asynchronous invocations go after their retries (Lambda DeadLetterConfig). */
  deadLetterQueueArn?: string;
}

/** A failed invocation; `name` is Lambda's errorType, which Step Functions matches on. */
export class FunctionError extends Error {
  constructor(readonly payload: LambdaError) {
    super(payload.errorMessage);
    this.name = payload.errorType;
  }
}

export interface FunctionStats {
  invocations: number;
  errors: number;
  coldStarts: number;
  initMs: number[];
  /** Milliseconds each invocation waited for a free execution environment. */
  waitMs: number[];
  /** Milliseconds each invocation ran, init excluded. */
  durationMs: number[];
}

export interface LambdaRuntimeOptions {
  functions: LocalFunction[];
  /** Added to every function's environment: region, credentials, local endpoints. */
  baseEnvironment: Record<string, string>;
  /** Function logs are written to <logDirectory>/<function>.log. */
  logDirectory?: string;
  /** Concurrent execution environments per function; more invocations wait for one. */
  maxEnvironments?: number;
  /** Delays before the retries of a failed asynchronous invocation (Lambda: about 1 and 2 minutes). */
  asyncRetryDelaysMs?: number[];
  deadLetter?: (queueArn: string, body: string, error: LambdaError) => Promise<void>;
}

export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly byArn = new Map<string, string>();

  constructor(private readonly options: LambdaRuntimeOptions) {
    if (options.logDirectory) mkdirSync(options.logDirectory, { recursive: true });
    for (const fn of options.functions) {
      const log = options.logDirectory ? join(options.logDirectory, `${fn.name}.log`) : undefined;
      const pool = new FunctionPool(fn, options.baseEnvironment, options.maxEnvironments ?? 4, log);
      this.pools.set(fn.name, pool);
      this.byArn.set(fn.arn, fn.name);
    }
  }

  functionNames(): string[] {
    return [...this.pools.keys()];
  }

  /** Synchronous invocation (RequestResponse): the result, or a FunctionError. */
  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    return this.pool(nameOrArn).invoke(event);
  }

  /**
   * Asynchronous invocation (Event), as EventBridge uses: accepted at once, retried twice on
   * error, then sent to the function's dead-letter queue.
   */
  invokeAsync(nameOrArn: string, event: unknown): void {
    const pool = this.pool(nameOrArn);
    const delays = this.options.asyncRetryDelaysMs ?? [60_000, 120_000];
    const attempt = async (index: number): Promise<void> => {
      try {
        await pool.invoke(event);
      } catch (error) {
        const payload =
          error instanceof FunctionError
            ? error.payload
            : { errorType: 'Error', errorMessage: String(error), trace: [] };
        if (index < delays.length) {
          setTimeout(() => void attempt(index + 1), delays[index]).unref();
          return;
        }
        const dlq = pool.fn.deadLetterQueueArn;
        if (dlq && this.options.deadLetter) await this.options.deadLetter(dlq, JSON.stringify(event), payload);
      }
    };
    void attempt(0);
  }

  /** Starts `count` environments per function in the background, as provisioned concurrency does. */
  warm(count: number): void {
    for (const pool of this.pools.values()) pool.warm(count);
  }

  describe(nameOrArn: string): LocalFunction {
    return this.pool(nameOrArn).fn;
  }

  /** Starts a fresh execution environment of the function and returns its init (module load) time. */
  async measureColdStart(nameOrArn: string): Promise<number> {
    return this.pool(nameOrArn).measureColdStart();
  }

  stats(): Record<string, FunctionStats> {
    return Object.fromEntries(
      [...this.pools].map(([name, pool]) => [name, { ...pool.stats, initMs: [...pool.stats.initMs] }]),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }

  private pool(nameOrArn: string): FunctionPool {
    const name = this.byArn.get(nameOrArn) ?? nameOrArn.split(':').pop() ?? nameOrArn;
    const pool = this.pools.get(name);
    if (!pool) {
      throw new FunctionError({
        errorType: 'ResourceNotFoundException',
        errorMessage: `Function not found: ${nameOrArn}`,
        trace: [],
      });
    }
    return pool;
  }
}

class FunctionPool {
  readonly stats: FunctionStats = { invocations: 0, errors: 0, coldStarts: 0, initMs: [], waitMs: [], durationMs: [] };
  private readonly idle: Environment[] = [];
  private readonly waiting: ((environment: Environment) => void)[] = [];
  private readonly all = new Set<Environment>();

  constructor(
    readonly fn: LocalFunction,
    private readonly baseEnvironment: Record<string, string>,
    private readonly maxEnvironments: number,
    private readonly log: string | undefined,
  ) {}

  async invoke(event: unknown): Promise<unknown> {
    const requested = performance.now();
    const environment = await this.acquire();
    this.stats.invocations++;
    this.stats.waitMs.push(performance.now() - requested);
    try {
      await environment.whenReady();
      const running = performance.now();
      const result = await environment.invoke(event, this.fn.timeoutMs);
      this.stats.durationMs.push(performance.now() - running);
      return result;
    } catch (error) {
      this.stats.errors++;
      throw error;
    } finally {
      if (environment.usable) this.release(environment);
      else this.discard(environment);
    }
  }

  /** Starts `count` idle environments in the background. */
  warm(count: number): void {
    // Computed once: every spawn below grows `this.all`.
    const missing = Math.min(count, this.maxEnvironments - this.all.size);
    for (let i = 0; i < missing; i++) {
      const environment = this.spawn();
      environment.whenReady().then(
        () => this.release(environment),
        () => this.discard(environment),
      );
    }
  }

  async measureColdStart(): Promise<number> {
    let initMs = Number.NaN;
    const environment = new Environment(this.fn, this.baseEnvironment, this.log, (ms) => {
      initMs = ms;
    });
    try {
      await environment.whenReady();
      return initMs;
    } finally {
      await environment.terminate();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.all].map((environment) => environment.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }

  private acquire(): Promise<Environment> {
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.all.size < this.maxEnvironments) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private spawn(): Environment {
    const environment = new Environment(this.fn, this.baseEnvironment, this.log, (initMs) => {
      this.stats.coldStarts++;
      this.stats.initMs.push(initMs);
    });
    this.all.add(environment);
    return environment;
  }

  private release(environment: Environment): void {
    const next = this.waiting.shift();
    if (next) next(environment);
    else this.idle.push(environment);
  }

  private discard(environment: Environment): void {
    this.all.delete(environment);
    void environment.terminate();
    const next = this.waiting.shift();
    if (next) void this.acquire().then(next);
  }
}

class Environment {
  usable = true;
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private nextId = 0;
  private current?: { id: number; resolve: (value: unknown) => void; reject: (error: Error) => void };

  constructor(
    fn: LocalFunction,
    baseEnvironment: Record<string, string>,
    log: string | undefined,
    onInit: (ms: number) => void,
  ) {
    const setup: WorkerSetup = {
      modulePath: fn.modulePath,
      handlerName: fn.handlerName,
      functionName: fn.name,
      functionArn: fn.arn,
      memorySize: fn.memorySize,
      logGroupName: `/aws/lambda/${fn.name}`,
      logFile: log,
    };
    const nodeOptions = fn.environment.NODE_OPTIONS ?? '';
    this.worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: setup,
      env: {
        ...baseEnvironment,
        ...fn.environment,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: setup.logGroupName,
      },
      execArgv: nodeOptions.includes('--enable-source-maps') ? ['--enable-source-maps'] : [],
      // Lambda functions here hold little state; a small young generation keeps an idle
      // environment's memory near what its code needs, as a 512 MB Lambda is far from full.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          onInit(reply.initMs);
          resolve();
        } else if (reply.type === 'init-error') {
          this.usable = false;
          reject(new FunctionError(reply.error));
        } else {
          this.settle(reply);
        }
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', (error) => this.crash(error, reject));
      this.worker.on('exit', (code) => this.crash(new Error(`Execution environment exited with code ${code}`), reject));
    });
    this.ready.catch(() => {});
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  async invoke(event: unknown, timeoutMs: number): Promise<unknown> {
    await this.ready;
    const id = ++this.nextId;
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.usable = false;
        this.current = undefined;
        void this.worker.terminate();
        reject(
          new FunctionError({
            errorType: LAMBDA_TIMEOUT_ERROR,
            errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
            trace: [],
          }),
        );
      }, timeoutMs);
      this.current = {
        id,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.worker.postMessage({ type: 'invoke', id, event, deadline, requestId: randomUUID() });
    });
  }

  terminate(): Promise<number> {
    this.usable = false;
    return this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    if (!this.current || !('id' in reply) || reply.id !== this.current.id) return;
    const { resolve, reject } = this.current;
    this.current = undefined;
    if (reply.type === 'result') resolve(reply.result);
    else if (reply.type === 'error') reject(new FunctionError(reply.error));
  }

  private crash(error: Error, rejectReady: (error: Error) => void): void {
    if (!this.usable) return;
    this.usable = false;
    const payload = { errorType: 'Runtime.ExitError', errorMessage: error.message, trace: [] };
    rejectReady(new FunctionError(payload));
    this.current?.reject(new FunctionError(payload));
    this.current = undefined;
  }
}
