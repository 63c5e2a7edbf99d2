// The wire format of Outbound Messages: the SOAP 1.1 `notifications` envelope Salesforce POSTs,
// the `notificationsResponse/Ack` it expects back, and the HTTP POST itself.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type FieldDef, findField, requireObject } from './schema';
import type { RecordFields } from './values';

/** The API version in the EnterpriseUrl / PartnerUrl of each message. */
export const SOAP_API_VERSION = '62.0';

/** Salesforce gives an endpoint 60 seconds to answer. */
export const DELIVERY_TIMEOUT_MS = 60_000;

const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface EnvelopeContext {
  orgId: string;
  actionId: string;
  instanceUrl: string;
  sessionId?: string;
}

export interface EnvelopeNotification {
  notificationId: string;
  objectType: string;
  /** Stored field values; nulls are left out of the message. */
  fields: RecordFields;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** xsd:double prints integral values with a trailing `.0`, as Salesforce's messages show. */
function soapValue(field: FieldDef | undefined, value: unknown): string {
  if ((field?.type === 'currency' || field?.type === 'double') && Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

/** Id first, then the remaining fields alphabetically, like Salesforce's generated messages. */
function sObjectElement(notification: EnvelopeNotification): string {
  const object = requireObject(notification.objectType);
  const names = Object.keys(notification.fields)
    .filter((name) => notification.fields[name] !== null && notification.fields[name] !== undefined)
    .sort((a, b) => (a === 'Id' ? -1 : b === 'Id' ? 1 : a.localeCompare(b)));
  const fields = names
    .map((name) => {
      const value = soapValue(findField(object, name), notification.fields[name]);
      return `     <sf:${name}>${escapeXml(value)}</sf:${name}>`;
    })
    .join('\n');
  return [
    `    <sObject xsi:type="sf:${object.name}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">`,
    fields,
    '    </sObject>',
  ].join('\n');
}

export function buildNotificationsEnvelope(context: EnvelopeContext, notifications: EnvelopeNotification[]): string {
  const org15 = context.orgId.slice(0, 15);
  const session = context.sessionId
    ? `<SessionId>${escapeXml(context.sessionId)}</SessionId>`
    : '<SessionId xsi:nil="true"/>';
  const body = notifications
    .map((n) =>
      [
        '   <Notification>',
        `    <Id>${escapeXml(n.notificationId)}</Id>`,
        sObjectElement(n),
        '   </Notification>',
      ].join('\n'),
    )
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    ' <soapenv:Body>',
    '  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">',
    `   <OrganizationId>${escapeXml(context.orgId)}</OrganizationId>`,
    `   <ActionId>${escapeXml(context.actionId)}</ActionId>`,
    `   ${session}`,
    `   <EnterpriseUrl>${escapeXml(`${context.instanceUrl}/services/Soap/c/${SOAP_API_VERSION}/${org15}`)}</EnterpriseUrl>`,
    `   <PartnerUrl>${escapeXml(`${context.instanceUrl}/services/Soap/u/${SOAP_API_VERSION}/${org15}`)}</PartnerUrl>`,
    body,
    '  </notifications>',
    ' </soapenv:Body>',
    '</soapenv:Envelope>',
  ].join('\n');
}

const ackParser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false });

/**
 * The Ack of a reply: true or false when a well-formed body carries notificationsResponse/Ack
 * (any namespace prefix), undefined when it does not.
 */
export function readAck(body: string): boolean | undefined {
  if (XMLValidator.validate(body) !== true) return undefined;
  const response = findElement(ackParser.parse(body), 'notificationsResponse');
  const ack = response && typeof response === 'object' ? (response as Record<string, unknown>).Ack : undefined;
  return typeof ack === 'string' ? ack.trim() === 'true' : undefined;
}

function findElement(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key === name) return value;
    const found = findElement(value, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

export interface SoapReply {
  status: number;
  body: string;
}

/** POSTs one message; rejects on connection errors, abort, or no complete answer in time. */
export function postSoap(url: string, body: string, signal: AbortSignal, timeoutMs = DELIVERY_TIMEOUT_MS) {
  return new Promise<SoapReply>((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // A fresh connection per message keeps receivers free to close between deliveries.
    const req = send(target, {
      method: 'POST',
      agent: false,
      signal,
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: '""',
        'Content-Length': String(Buffer.byteLength(body)),
      },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}
