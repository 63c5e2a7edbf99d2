// What every service handler of the sandbox gets: the tenant's data, its limits, and the URL it
// is served at (for __metadata URIs and Location headers).
import type { SandboxRequest, SandboxResponse } from '../http';
import type { AuthService, Principal } from './auth';
import type { CsrfSessions } from './csrf';
import type { ServiceInfo } from './errors';
import type { Governance } from './governance';
import type { ResourceSegment } from './odata';
import type { SandboxStore } from './store';

export interface TenantContext {
  store: SandboxStore;
  governance: Governance;
  auth: AuthService;
  csrf: CsrfSessions;
  baseUrl: () => string;
}

export interface ServiceRequest {
  req: SandboxRequest;
  service: ServiceInfo;
  segments: ResourceSegment[];
  principal: Principal;
}

export type ServiceHandler = (ctx: TenantContext, request: ServiceRequest) => SandboxResponse;

/** A v2 answer: `{"d": ...}` in JSON, with extra headers (ETag, Location). */
export function odataJson(status: number, d: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', dataserviceversion: '2.0', ...headers },
    body: JSON.stringify({ d }),
  };
}

export const updated = (headers: Record<string, string> = {}): SandboxResponse => ({
  status: 204,
  headers: { dataserviceversion: '1.0', ...headers },
});
