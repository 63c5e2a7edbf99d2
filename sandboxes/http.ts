// The small HTTP toolkit both vendor sandboxes are built on: a router with path parameters,
// body reading with a size cap, and helpers to answer in JSON, text or XML.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Close the connection instead of answering: the work is done, the answer is lost on the way. */
  drop?: boolean;
}

export type Route = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** Wraps every request, e.g. to add latency, authenticate or enforce a concurrency limit. */
export type Middleware = (req: SandboxRequest, next: () => Promise<SandboxResponse>) => Promise<SandboxResponse>;

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  route: Route;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class Router {
  private readonly routes: CompiledRoute[] = [];
  private readonly middlewares: { prefix: string; middleware: Middleware }[] = [];

  /** Adds a route; `:name` segments become params, a trailing `*` matches the rest of the path. */
  on(method: string, path: string, route: Route): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1));
          return '([^/]+)';
        }
        if (segment === '*') {
          names.push('rest');
          return '(.*)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, route });
    return this;
  }

  /** Runs `middleware` around every route whose path starts with `prefix`. */
  use(prefix: string, middleware: Middleware): this {
    this.middlewares.push({ prefix, middleware });
    return this;
  }

  async handle(req: SandboxRequest): Promise<SandboxResponse> {
    const chain = this.middlewares.filter((m) => req.path.startsWith(m.prefix));
    const dispatch = async (): Promise<SandboxResponse> => {
      for (const candidate of this.routes) {
        const match = candidate.pattern.exec(req.path);
        if (!match) continue;
        if (candidate.method !== req.method) continue;
        candidate.names.forEach((name, i) => {
          req.params[name] = decodeURIComponent(match[i + 1]);
        });
        return candidate.route(req);
      }
      const pathKnown = this.routes.some((r) => r.pattern.test(req.path));
      return pathKnown ? text(405, 'Method Not Allowed') : text(404, 'Not Found');
    };
    const run = (index: number): Promise<SandboxResponse> =>
      index < chain.length ? chain[index].middleware(req, () => run(index + 1)) : dispatch();
    return run(0);
  }
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers }, body };
}

export function noContent(headers: Record<string, string> = {}): SandboxResponse {
  return { status: 204, headers };
}

export function parseJson(req: SandboxRequest): unknown {
  return req.body.length === 0 ? {} : JSON.parse(req.body);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves `router` on 127.0.0.1; port 0 picks a free one. */
export async function serve(router: Router, port = 0): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    void respond(router, req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let result: SandboxResponse;
  try {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const body = await readBody(req);
    result = await router.handle({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      params: {},
      headers: req.headers,
      body,
    });
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      // Answer first, then close: the rest of the body is never read.
      res.writeHead(413, { 'content-type': 'text/plain;charset=UTF-8', connection: 'close' });
      res.end('Request Entity Too Large', () => req.destroy());
      return;
    }
    result = text(500, `Sandbox error: ${(error as Error).message}`);
  }
  if (result.drop) {
    res.socket?.destroy();
    return;
  }
  res.writeHead(result.status, result.headers ?? {});
  res.end(result.body ?? '');
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
