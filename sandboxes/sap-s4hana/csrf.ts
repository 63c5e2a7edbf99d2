// Gateway's CSRF protection: a GET or HEAD with `X-CSRF-Token: Fetch` opens a session (cookies
// SAP_SESSIONID_<SID>_<client> and sap-usercontext) and returns its token in `x-csrf-token`; a
// modifying request must carry that token together with the session's cookies, else 403 with
// `x-csrf-token: Required`. Sessions end after an idle time, and with a restart.
import { randomBytes } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../http';
import { header } from './auth';
import { SAP_CLIENT, SYSTEM_ID } from './model';

export const SESSION_COOKIE = `SAP_SESSIONID_${SYSTEM_ID}_${SAP_CLIENT}`;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

interface Session {
  id: string;
  clientId: string;
  token: string;
  lastUsedAt: number;
}

export class CsrfSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly idleSeconds: () => number) {}

  /** Sessions not yet idle past their time. */
  get live(): number {
    const cutoff = Date.now() - this.idleSeconds() * 1000;
    return [...this.sessions.values()].filter((session) => session.lastUsedAt >= cutoff).length;
  }

  /**
   * For a token fetch: the caller's live session (same token again) or a new one. Returns the
   * headers to add to the answer, or undefined when the request asks for no token.
   */
  fetch(req: SandboxRequest, clientId: string): Record<string, string> | undefined {
    if (!SAFE_METHODS.has(req.method) || header(req, 'x-csrf-token')?.toLowerCase() !== 'fetch') return undefined;
    const existing = this.find(req, clientId);
    const session = existing ?? this.open(clientId);
    session.lastUsedAt = Date.now();
    return {
      'x-csrf-token': session.token,
      // Two Set-Cookie headers: node:http writes an array value as one header line each, which
      // the shared response type (string values) cannot express.
      'set-cookie': [
        `${SESSION_COOKIE}=${session.id}; path=/; HttpOnly; SameSite=None`,
        `sap-usercontext=sap-client=${SAP_CLIENT}; path=/`,
      ] as unknown as string,
    };
  }

  /** The 403 Gateway answers to a modifying request without a valid token for its session. */
  check(req: SandboxRequest, clientId: string): SandboxResponse | undefined {
    if (SAFE_METHODS.has(req.method)) return undefined;
    const session = this.find(req, clientId);
    const token = header(req, 'x-csrf-token');
    if (session && token && token === session.token) {
      session.lastUsedAt = Date.now();
      return undefined;
    }
    return {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-csrf-token': 'Required' },
      body: 'CSRF token validation failed',
    };
  }

  expireAll(): void {
    this.sessions.clear();
  }

  private find(req: SandboxRequest, clientId: string): Session | undefined {
    const id = cookies(req)[SESSION_COOKIE];
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    if (Date.now() - session.lastUsedAt > this.idleSeconds() * 1000) {
      this.sessions.delete(session.id);
      return undefined;
    }
    // A session belongs to the user who opened it; another user's token gets no access to it.
    return session.clientId === clientId ? session : undefined;
  }

  private open(clientId: string): Session {
    this.prune();
    const session = {
      id: randomBytes(30).toString('base64url'),
      clientId,
      token: randomBytes(16).toString('base64'),
      lastUsedAt: Date.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Idle sessions are dropped when new ones open, so a long run does not grow without bound. */
  private prune(): void {
    const cutoff = Date.now() - this.idleSeconds() * 1000;
    for (const [id, session] of this.sessions) if (session.lastUsedAt < cutoff) this.sessions.delete(id);
  }
}

function cookies(req: SandboxRequest): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return jar;
}
