// The local Step Functions: Standard state machines from the template run with
// aws-local-stepfunctions; Task states reach the local Lambda runtime or the local AWS
// endpoints; executions keep an AWS-like history, can be stopped and redriven from the failed
// state, emit "Execution Status Change" events, and survive restarts when a directory is given.
// Callback tasks (.waitForTaskToken) wait for SendTaskSuccess / SendTaskFailure on their token.
import '../polyfills';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { isServiceIntegration, runServiceIntegration, type ServiceClients, taskError } from './service-integrations';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  timestamp: number;
  type: string;
  stateName?: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  retryAttempt?: number;
}

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  redriveCount: number;
  redriveDate?: number;
  history: HistoryEvent[];
}

export interface LocalStateMachine {
  arn: string;
  name: string;
  roleArn: string;
  definition: StateMachineDefinition;
}

/** AWS-named errors of the Step Functions API (ExecutionDoesNotExist, ...). */
export class StepFunctionsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface StepFunctionsOptions {
  invokeFunction: (arn: string, payload: unknown) => Promise<unknown>;
  clients: ServiceClients;
  /** Called on every status change, as Step Functions sends to EventBridge. */
  onStatusChange?: (execution: Execution, machine: LocalStateMachine) => void;
  /** Keeps executions on disk so they survive restarts (RUNNING ones resume). */
  directory?: string;
  /** Milliseconds to wait before every retry, instead of the ASL's backoff (tests). */
  retryIntervalMs?: number;
}

const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
const CALLBACK = '.waitForTaskToken';
/** setTimeout's longest wait: a longer one overflows and fires at once. */
const MAX_TIMER_MS = 2_147_483_647;
/** A callback task without TimeoutSeconds waits as long as AWS lets it (99999999 s), as far as a timer reaches. */
const DEFAULT_CALLBACK_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
/** 32 random bytes, base64url, then the execution name: unguessable, and says which execution it serves. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{1,80}$/;
/** Closed tokens remembered, so late answers get TaskTimedOut rather than TaskDoesNotExist. */
const CLOSED_TOKENS_KEPT = 10_000;

/** A Task state waiting for its token to be answered. */
interface CallbackTask {
  execution: Execution;
  stateName: string;
  open: boolean;
  heartbeatMs?: number;
  heartbeat?: NodeJS.Timeout;
  deadline?: NodeJS.Timeout;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, LocalStateMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly dirty = new Set<string>();
  /** Every token this instance minted, by token; closed ones stay (up to CLOSED_TOKENS_KEPT). */
  private readonly tasks = new Map<string, CallbackTask>();
  /** Per execution: the token minted while a state evaluated `$$.Task.Token`, until its task claims it. */
  private readonly minted = new Map<string, string>();
  /** Per execution: the token its callback task waits on (no Parallel or Map, so one at most). */
  private readonly waiting = new Map<string, string>();
  private readonly flushTimer?: NodeJS.Timeout;

  constructor(private readonly options: StepFunctionsOptions) {
    if (options.directory) {
      mkdirSync(options.directory, { recursive: true });
      for (const file of readdirSync(options.directory).filter((f) => f.endsWith('.json'))) {
        const execution = JSON.parse(readFileSync(join(options.directory, file), 'utf8')) as Execution;
        this.executions.set(execution.executionArn, execution);
        // Files were once named by the execution name alone, which two state machines can share.
        if (file !== fileName(execution))
          renameSync(join(options.directory, file), join(options.directory, fileName(execution)));
      }
      this.flushTimer = setInterval(() => this.flush(), 250);
      this.flushTimer.unref();
    }
  }

  addStateMachine(machine: LocalStateMachine): void {
    // Validates the ASL the way CreateStateMachine would, before any execution.
    new StateMachine(machine.definition, { validationOptions: { checkArn: false } });
    this.machines.set(machine.arn, machine);
  }

  stateMachines(): LocalStateMachine[] {
    return [...this.machines.values()];
  }

  /** Executions left RUNNING by a previous run continue from the state they were in. */
  resumeInterrupted(): number {
    let resumed = 0;
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING' || this.running.has(execution.executionArn)) continue;
      const machine = this.machines.get(execution.stateMachineArn);
      if (!machine) continue;
      const restart = restartPoint(machine, execution);
      this.append(execution, { type: 'ExecutionResumedAfterRestart' });
      this.run(machine, execution, restart);
      resumed++;
    }
    return resumed;
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): Execution {
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new StepFunctionsError('InvalidName', `Invalid Execution Name: '${name}'`);
    }
    const input = request.input ?? '{}';
    parseInput(input);
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Same name and input while running is idempotent; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      input,
      startDate: Date.now(),
      redriveCount: 0,
      history: [],
    };
    this.executions.set(executionArn, execution);
    this.append(execution, { type: 'ExecutionStarted', input: parseInput(input) });
    this.run(machine, execution, { startAt: machine.definition.StartAt, input: parseInput(input) });
    return execution;
  }

  describeExecution(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (!execution)
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  listExecutions(stateMachineArn: string, status?: ExecutionStatus): Execution[] {
    this.machine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && (!status || e.status === status))
      .sort((a, b) => b.startDate - a.startDate);
  }

  stopExecution(executionArn: string, error?: string, cause?: string): Execution {
    const execution = this.describeExecution(executionArn);
    const run = this.running.get(executionArn);
    if (execution.status !== 'RUNNING' || !run) return execution;
    execution.error = error;
    execution.cause = cause;
    run.abort();
    return execution;
  }

  /** Continues a failed, timed-out or aborted execution from the state that did not complete. */
  redriveExecution(executionArn: string): Execution {
    const execution = this.describeExecution(executionArn);
    if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status)) {
      throw new StepFunctionsError(
        'ExecutionNotRedrivable',
        `Execution is ${execution.status} and cannot be redriven.`,
      );
    }
    if (Date.now() - (execution.stopDate ?? 0) > REDRIVE_WINDOW_MS) {
      throw new StepFunctionsError('ExecutionNotRedrivable', 'Execution redrivable period exceeded.');
    }
    const machine = this.machine(execution.stateMachineArn);
    const restart = restartPoint(machine, execution);
    Object.assign(execution, {
      status: 'RUNNING',
      redriveCount: execution.redriveCount + 1,
      redriveDate: Date.now(),
      error: undefined,
      cause: undefined,
      output: undefined,
      stopDate: undefined,
    });
    this.append(execution, { type: 'ExecutionRedriven', stateName: restart.startAt });
    this.run(machine, execution, restart);
    return execution;
  }

  /** Resolves when the execution is no longer running. */
  async waitFor(executionArn: string): Promise<Execution> {
    await this.running.get(executionArn)?.done;
    return this.describeExecution(executionArn);
  }

  /** SendTaskSuccess: the waiting task's result is the JSON `output`. */
  sendTaskSuccess(token: string, output: string): void {
    const task = this.openTask(token);
    let result: unknown;
    try {
      result = JSON.parse(output);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    this.closeTask(token);
    this.append(task.execution, { type: 'TaskSucceeded', stateName: task.stateName, output: result });
    task.resolve(result);
  }

  /** SendTaskFailure: the waiting task fails with `error` as its name, so Retry and Catch match on it. */
  sendTaskFailure(token: string, error?: string, cause?: string): void {
    const task = this.openTask(token);
    this.closeTask(token);
    this.append(task.execution, { type: 'TaskFailed', stateName: task.stateName, error: error ?? '', cause });
    task.reject(taskError(error ?? '', cause ?? ''));
  }

  /** SendTaskHeartbeat: restarts the HeartbeatSeconds clock of the waiting task. */
  sendTaskHeartbeat(token: string): void {
    const task = this.openTask(token);
    this.armHeartbeat(token, task);
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flush();
  }

  private machine(arn: string): LocalStateMachine {
    const machine = this.machines.get(arn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private run(machine: LocalStateMachine, execution: Execution, from: { startAt: string; input: unknown }): void {
    const definition = { ...machine.definition, StartAt: from.startAt };
    const runner = new StateMachine(withCallbackTimeouts(definition), { validationOptions: { noValidate: true } });
    const { result, eventLogs, abort } = runner.run(from.input as never, {
      context: contextObject(machine, execution, () => this.mintToken(execution)) as never,
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(definition, execution) as never,
        retryIntervalOverrides: this.retryOverrides(definition),
      },
    });
    this.notify(execution, machine);
    const recording = this.record(execution, eventLogs as unknown as AsyncGenerator<Record<string, unknown>>);
    const done = result
      .then(
        (output) => this.finish(execution, 'SUCCEEDED', { output: JSON.stringify(output) }),
        (error: unknown) => this.finish(execution, ...failure(error, execution)),
      )
      .then(() => recording)
      .finally(() => {
        this.running.delete(execution.executionArn);
        this.notify(execution, machine);
      });
    this.running.set(execution.executionArn, { abort, done });
  }

  private finish(execution: Execution, status: ExecutionStatus, details: Partial<Execution>): void {
    this.abandonCallback(execution);
    Object.assign(execution, { status, stopDate: Date.now(), ...details });
  }

  private async record(execution: Execution, eventLogs: AsyncGenerator<Record<string, unknown>>): Promise<void> {
    for await (const log of eventLogs) {
      const state = log.state as { name?: string; input?: unknown; output?: unknown } | undefined;
      const retry = log.retry as { attempt?: number } | undefined;
      if (log.type === 'ExecutionStarted') continue;
      this.append(execution, {
        type: String(log.type),
        stateName: state?.name,
        input: log.type === 'StateEntered' ? state?.input : undefined,
        output: log.type === 'StateExited' ? state?.output : (log.output as unknown),
        error: log.Error as string | undefined,
        cause: log.Cause === undefined ? undefined : String(log.Cause),
        retryAttempt: retry?.attempt,
      });
    }
  }

  private taskHandlers(
    definition: StateMachineDefinition,
    execution: Execution,
  ): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, state] of allStates(definition)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      handlers[name] = resource.endsWith(CALLBACK)
        ? (input) => this.runCallbackTask(execution, name, state, resource.slice(0, -CALLBACK.length), input)
        : (input) => this.runTask(resource, input);
    }
    return handlers;
  }

  /**
   * Starts the work with the token `$$.Task.Token` gave the Parameters, then waits for the token's answer.
   * The token is open before the work starts: the Lambda may answer it before it returns.
   */
  private runCallbackTask(
    execution: Execution,
    stateName: string,
    state: Record<string, unknown>,
    resource: string,
    input: unknown,
  ): Promise<unknown> {
    const token = this.minted.get(execution.executionArn) ?? this.mintToken(execution);
    this.minted.delete(execution.executionArn);
    let resolve!: (output: unknown) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const heartbeatSeconds = state.HeartbeatSeconds;
    const task: CallbackTask = {
      execution,
      stateName,
      open: true,
      heartbeatMs: typeof heartbeatSeconds === 'number' ? heartbeatSeconds * 1000 : undefined,
      resolve,
      reject,
    };
    this.tasks.set(token, task);
    this.waiting.set(execution.executionArn, token);
    this.forgetClosedTokens();
    this.armHeartbeat(token, task);
    if (typeof state.TimeoutSeconds === 'number') {
      // The runner's own timer, armed right after this one with the same delay, fails the state with
      // its States.Timeout (the one States.TaskFailed does not match); this one only closes the token.
      task.deadline = setTimeout(
        () => {
          if (!task.open) return;
          this.closeTask(token);
          this.append(execution, { type: 'TaskTimedOut', stateName, error: 'States.Timeout' });
        },
        Math.min(state.TimeoutSeconds * 1000, MAX_TIMER_MS),
      );
    }
    const started = this.runTask(resource, input).then(
      () => {
        if (task.open) this.append(execution, { type: 'TaskSubmitted', stateName });
        return promise;
      },
      (error: unknown) => {
        this.closeTask(token);
        throw error;
      },
    );
    return Promise.race([started, promise]);
  }

  private mintToken(execution: Execution): string {
    let token = this.minted.get(execution.executionArn);
    if (!token) {
      token = `${randomBytes(32).toString('base64url')}.${execution.name}`;
      this.minted.set(execution.executionArn, token);
    }
    return token;
  }

  private openTask(token: string): CallbackTask {
    if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) {
      throw new StepFunctionsError('InvalidToken', 'Invalid Token: not a task token');
    }
    const task = this.tasks.get(token);
    if (!task) throw new StepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist');
    if (!task.open)
      throw new StepFunctionsError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    return task;
  }

  private armHeartbeat(token: string, task: CallbackTask): void {
    clearTimeout(task.heartbeat);
    const heartbeatMs = task.heartbeatMs;
    if (heartbeatMs === undefined) return;
    task.heartbeat = setTimeout(
      () => {
        if (!task.open) return;
        this.closeTask(token);
        const cause = `No heartbeat within ${heartbeatMs / 1000} seconds`;
        this.append(task.execution, {
          type: 'TaskTimedOut',
          stateName: task.stateName,
          error: 'States.HeartbeatTimeout',
          cause,
        });
        task.reject(taskError('States.HeartbeatTimeout', cause));
      },
      Math.min(heartbeatMs, MAX_TIMER_MS),
    );
  }

  private closeTask(token: string): void {
    const task = this.tasks.get(token);
    if (!task?.open) return;
    task.open = false;
    clearTimeout(task.heartbeat);
    clearTimeout(task.deadline);
    if (this.waiting.get(task.execution.executionArn) === token) this.waiting.delete(task.execution.executionArn);
  }

  /**
   * The execution ended while its task waited (stopped, timed out): the token closes, and the wait
   * ends with an error no Retry or Catch takes, so nothing runs after the end.
   */
  private abandonCallback(execution: Execution): void {
    this.minted.delete(execution.executionArn);
    const token = this.waiting.get(execution.executionArn);
    const task = token === undefined ? undefined : this.tasks.get(token);
    if (!token || !task) return;
    this.closeTask(token);
    task.reject(
      Object.assign(taskError('States.Runtime', 'The execution ended'), { isRetryable: false, isCatchable: false }),
    );
  }

  private forgetClosedTokens(): void {
    if (this.tasks.size <= CLOSED_TOKENS_KEPT) return;
    for (const [token, task] of this.tasks) {
      if (this.tasks.size <= CLOSED_TOKENS_KEPT) break;
      if (!task.open) this.tasks.delete(token);
    }
  }

  private async runTask(resource: string, input: unknown): Promise<unknown> {
    if (isServiceIntegration(resource)) return runServiceIntegration(this.options.clients, resource, input);
    if (resource.startsWith('arn:aws:lambda:')) return this.invoke(resource, input);
    if (resource === 'arn:aws:states:::lambda:invoke') {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload?: unknown };
      const payload = await this.invoke(FunctionName, Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    }
    throw taskError('States.Runtime', `The local hub does not emulate the resource ${resource}`);
  }

  /** Lambda failures surface as Step Functions shows them: errorType as error, JSON as cause. */
  private async invoke(arn: string, payload: unknown): Promise<unknown> {
    try {
      return await this.options.invokeFunction(arn, payload);
    } catch (error) {
      const e = error as Error & { payload?: { trace?: string[] } };
      throw taskError(
        e.name,
        JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: (e.payload?.trace ?? []).slice(0, 8) }),
      );
    }
  }

  private retryOverrides(definition: StateMachineDefinition): Record<string, number> | undefined {
    const interval = this.options.retryIntervalMs;
    if (interval === undefined) return undefined;
    return Object.fromEntries(
      [...allStates(definition)].filter(([, state]) => 'Retry' in state).map(([name]) => [name, interval]),
    );
  }

  private append(execution: Execution, event: Omit<HistoryEvent, 'id' | 'timestamp'>): void {
    execution.history.push({ id: execution.history.length + 1, timestamp: Date.now(), ...event });
    this.dirty.add(execution.executionArn);
  }

  private notify(execution: Execution, machine: LocalStateMachine): void {
    this.dirty.add(execution.executionArn);
    this.options.onStatusChange?.(execution, machine);
  }

  private flush(): void {
    const directory = this.options.directory;
    if (!directory) return;
    for (const arn of this.dirty) {
      const execution = this.executions.get(arn);
      if (execution) writeFileSync(join(directory, fileName(execution)), JSON.stringify(execution));
    }
    this.dirty.clear();
  }
}

/** "<state machine>.<execution>.json": execution names are unique per state machine only (and have no dots). */
function fileName(execution: Execution): string {
  return `${execution.stateMachineArn.split(':').pop()}.${execution.name}.json`;
}

function failure(error: unknown, execution: Execution): [ExecutionStatus, Partial<Execution>] {
  if (error instanceof ExecutionTimeoutError) {
    return ['TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' }];
  }
  if (error instanceof ExecutionAbortedError) {
    return ['ABORTED', { error: execution.error, cause: execution.cause }];
  }
  const caught = error instanceof ExecutionError ? (error.cause as Error & { cause?: unknown }) : (error as Error);
  const cause = typeof caught?.cause === 'string' ? caught.cause : caught?.message;
  return ['FAILED', { error: caught?.name ?? 'States.Runtime', cause }];
}

/** The top-level state that was entered last and never exited, with the input it had. */
function restartPoint(machine: LocalStateMachine, execution: Execution): { startAt: string; input: unknown } {
  const topLevel = new Set(Object.keys(machine.definition.States));
  const events = execution.history.filter((e) => e.stateName !== undefined && topLevel.has(e.stateName));
  const last = events.at(-1);
  if (last?.type !== 'StateExited' && last?.stateName) {
    const entered = events.findLast((e) => e.type === 'StateEntered' && e.stateName === last.stateName);
    if (entered) return { startAt: last.stateName, input: entered.input };
  }
  return { startAt: machine.definition.StartAt, input: parseInput(execution.input) };
}

/**
 * The context object ($$): `State.EnteredTime` reads the clock when a state evaluates its Parameters,
 * at entry; `Task.Token` is the token of the task being entered, minted on first read.
 */
function contextObject(machine: LocalStateMachine, execution: Execution, taskToken: () => string) {
  return {
    Execution: {
      Id: execution.executionArn,
      Name: execution.name,
      RoleArn: machine.roleArn,
      StartTime: new Date(execution.startDate).toISOString(),
      RedriveCount: execution.redriveCount,
    },
    StateMachine: { Id: machine.arn, Name: machine.name },
    State: {
      get EnteredTime() {
        return new Date().toISOString();
      },
    },
    Task: {
      get Token() {
        return taskToken();
      },
    },
  };
}

/**
 * The runner gives a Task without TimeoutSeconds 60 seconds; a callback task may wait far longer
 * for its answer, so it gets what AWS gives it, capped where a timer still works.
 */
function withCallbackTimeouts(definition: StateMachineDefinition): StateMachineDefinition {
  const states = definition.States as unknown as Record<string, Record<string, unknown>>;
  return {
    ...definition,
    States: Object.fromEntries(
      Object.entries(states).map(([name, state]) => {
        if (state.Type !== 'Task' || !String(state.Resource).endsWith(CALLBACK) || 'TimeoutSecondsPath' in state)
          return [name, state];
        const seconds =
          typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : DEFAULT_CALLBACK_TIMEOUT_SECONDS;
        return [name, { ...state, TimeoutSeconds: Math.min(seconds, DEFAULT_CALLBACK_TIMEOUT_SECONDS) }];
      }),
    ),
  } as unknown as StateMachineDefinition;
}

function* allStates(
  definition: { States: Record<string, Record<string, unknown>> } | StateMachineDefinition,
): Generator<[string, Record<string, unknown>]> {
  for (const [name, state] of Object.entries(definition.States as Record<string, Record<string, unknown>>)) {
    yield [name, state];
    for (const branch of (state.Branches as StateMachineDefinition[] | undefined) ?? []) yield* allStates(branch);
    const processor = (state.ItemProcessor ?? state.Iterator) as StateMachineDefinition | undefined;
    if (processor) yield* allStates(processor);
  }
}

function parseInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    throw new StepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
  }
}
