// The log both vendor sandboxes keep of their /services calls, read and cleared through the
// control API's /_sandbox/requests.
import type { Middleware } from './http';

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  startedAt: string;
  finishedAt: string;
}

/** The oldest entries are dropped beyond this many. */
const REQUEST_LOG_LIMIT = 100_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  /** Middleware: runs the request and logs it with its final status (500 when it throws). */
  readonly record: Middleware = async (req, next) => {
    const startedAt = new Date().toISOString();
    let status = 500;
    try {
      const response = await next();
      status = response.status;
      return response;
    } finally {
      this.add({ method: req.method, path: req.path, status, startedAt, finishedAt: new Date().toISOString() });
    }
  };

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > REQUEST_LOG_LIMIT) this.entries.splice(0, this.entries.length - REQUEST_LOG_LIMIT);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
