// SAP Gateway's OData v2 error body, which every business and request error of the sandbox goes
// through: {"error":{"code","message":{"lang","value"},"innererror":{...,"errordetails":[...]}}}.
import { randomBytes } from 'node:crypto';
import type { SandboxResponse } from '../http';

export interface ErrorDetail {
  code: string;
  message: string;
  /** Usually empty in v2 answers; `target` names the entity and property instead. */
  propertyref?: string;
  target?: string;
  severity?: 'error' | 'warning' | 'info';
}

/** Which service answered, as SAP puts it in `innererror.application`. */
export interface ServiceInfo {
  service: string;
  componentId: string;
}

const COMPONENTS: Record<string, string> = {
  API_BUSINESS_PARTNER: 'LO-MD-BP-2CL',
  API_SALES_ORDER_SRV: 'SD-SLS-API',
  API_PRODUCT_SRV: 'LO-MD-MM-2CL',
};

export function serviceInfo(service: string): ServiceInfo {
  return { service, componentId: COMPONENTS[service] ?? 'OPU-GW-COR' };
}

export function sapError(
  status: number,
  service: ServiceInfo | undefined,
  code: string,
  message: string,
  details: ErrorDetail[] = [],
  headers: Record<string, string> = {},
): SandboxResponse {
  const body = {
    error: {
      code,
      message: { lang: 'en', value: message },
      innererror: {
        application: {
          component_id: service?.componentId ?? 'OPU-GW-COR',
          service_namespace: '/SAP/',
          service_id: service?.service ?? '',
          service_version: '0001',
        },
        transactionid: randomBytes(16).toString('hex').toUpperCase(),
        timestamp: sapTimestamp(new Date()),
        Error_Resolution: {
          SAP_Transaction:
            'For backend administrators: use ADT feed reader "SAP Gateway Error Log" or run transaction /IWFND/ERROR_LOG on SAP Gateway hub system and search for entries with the timestamp above for more details',
          SAP_Note: 'See SAP Note 1797736 for error analysis (https://service.sap.com/sap/support/notes/1797736)',
        },
        errordetails: details.map((d) => ({
          code: d.code,
          message: d.message,
          propertyref: d.propertyref ?? '',
          severity: d.severity ?? 'error',
          target: d.target ?? '',
          transition: false,
        })),
      },
    },
  };
  return {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** A business refusal: the first message is also the top-level one, as SAP reports BAPI returns. */
export function businessError(status: number, service: ServiceInfo, details: ErrorDetail[]): SandboxResponse {
  return sapError(status, service, details[0].code, details[0].message, details);
}

/** `yyyyMMddHHmmss.fffffff`, the form of SAP's innererror timestamps. */
export function sapTimestamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 19).replace(/[-T:]/g, '')}.${iso.slice(20, 23)}0000`;
}

export const malformedRequest = (service: ServiceInfo | undefined, detail?: string) =>
  sapError(
    400,
    service,
    '/IWBEP/CM_MGW_RT/020',
    detail
      ? `The Data Services Request could not be understood due to malformed syntax: ${detail}`
      : 'The Data Services Request could not be understood due to malformed syntax',
  );

export const resourceNotFound = (service: ServiceInfo | undefined, segment: string) =>
  sapError(404, service, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${segment}'`);

export const methodNotAllowed = (service: ServiceInfo, method: string, target: string) =>
  sapError(405, service, '/IWBEP/CM_MGW_RT/021', `Method '${method}' not allowed for '${target}'`);

/** Thrown by body readers deep in a handler; the service router answers with the response. */
export class RequestRejected extends Error {
  constructor(readonly response: SandboxResponse) {
    super(`request rejected with ${response.status}`);
    this.name = 'RequestRejected';
  }
}
