// Messages between the Lambda runtime (main thread) and an execution environment (worker.mjs).

export interface WorkerSetup {
  modulePath: string;
  handlerName: string;
  functionName: string;
  functionArn: string;
  memorySize: number;
  logGroupName: string;
  /** The environment appends its stdout and stderr here (CloudWatch Logs' stand-in); absent: inherited. */
  logFile?: string;
}

export type WorkerRequest = { type: 'invoke'; id: number; event: unknown; deadline: number; requestId: string };

export type WorkerReply =
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: LambdaError }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: LambdaError };

/** The error payload Lambda returns for a failed invocation (errorType becomes the Step Functions error). */
export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}
