// What every vendor sandbox folder exports as `sandbox`: how to start it. The local hub starts
// the sandboxes of the systems its template connects (sandboxes/registry.ts), in a process of
// their own (sandboxes/serve.ts), and talks to them over HTTP only.
export interface SandboxStartOptions {
  /** 0 picks a free port. */
  port: number;
  /** Added to every vendor API answer. */
  latencyMs: number;
  /** When set, the sandbox's records survive restarts in this file. */
  stateFile?: string;
  /** Vendor-specific options (a concurrency limit, a retry schedule...), as the sandbox documents them. */
  settings: Record<string, unknown>;
}

export interface StartedSandbox {
  url: string;
  stop(): Promise<void>;
}

export interface SandboxDefinition {
  /** The hub's registry name of the system it plays (functions/connectors/registry.ts). */
  system: string;
  title: string;
  /** Where `npm start` serves it. */
  defaultPort: number;
  start(options: SandboxStartOptions): Promise<StartedSandbox>;
}
