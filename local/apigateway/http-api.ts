// The local API Gateway HTTP API: serves the template's routes, turns each request into the
// payload-format-2.0 event a Lambda proxy integration receives, and maps the result back as
// API Gateway does (including its 404, 413, 500 and 503 answers).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpRoute {
  method: string;
  path: string;
  functionArn: string;
}

export interface HttpApiOptions {
  routes: HttpRoute[];
  invoke: (functionArn: string, event: unknown) => Promise<unknown>;
  port?: number;
  /** API Gateway's integration timeout. */
  integrationTimeoutMs?: number;
}

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|xml|soap\+xml|x-www-form-urlencoded|.*\+json|.*\+xml))/i;

export async function startHttpApi(options: HttpApiOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void handle(req, res, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpApiOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const route = options.routes.find((r) => r.method === req.method && r.path === url.pathname);
  const body = await readBody(req);
  if (body === undefined) return reply(res, 413, { message: 'Request Entity Too Large' });
  if (!route) return reply(res, 404, { message: 'Not Found' });
  const event = toEvent(req, url, route, body);
  let result: unknown;
  try {
    result = await withTimeout(options.invoke(route.functionArn, event), options.integrationTimeoutMs ?? 30_000);
  } catch (error) {
    if ((error as Error).name === 'IntegrationTimeout') return reply(res, 503, { message: 'Service Unavailable' });
    return reply(res, 500, { message: 'Internal Server Error' });
  }
  sendResult(res, result);
}

function toEvent(req: IncomingMessage, url: URL, route: HttpRoute, body: Buffer) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'localapi',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'localapi',
      http: {
        method: req.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Payload format 2.0: a structured response, or any other value as a 200 JSON body. */
function sendResult(res: ServerResponse, result: unknown): void {
  const structured = result !== null && typeof result === 'object' && 'statusCode' in result;
  if (!structured) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const r = result as {
    statusCode: number;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
    cookies?: string[];
  };
  const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  res.writeHead(r.statusCode, headers);
  res.end(r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { name: 'IntegrationTimeout' })), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
