// Salesforce Outbound Messages: SOAP 1.1 notifications, up to 100 per message, acknowledged with
// `notificationsResponse/Ack=true`. Until acknowledged, Salesforce retries for 24 hours.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface OutboundNotification {
  /** Notification id: stable across Salesforce's retries, the dedup key. */
  id: string;
  sObjectType: string;
  fields: Record<string, string | null>;
}

export interface OutboundMessage {
  organizationId: string;
  actionId: string;
  notifications: OutboundNotification[];
}

/** The body is not a Salesforce outbound message; retrying the same body cannot help. */
export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Values stay strings: ids and codes such as "00123" must not turn into numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  // Numeric character references (&#233;) are XML and must be decoded like the named entities.
  htmlEntities: true,
  isArray: (name, jpath) => name === 'Notification' && String(jpath).endsWith('notifications.Notification'),
});

export function parseOutboundMessage(xml: string): OutboundMessage {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new MalformedMessageError(`Body is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const document = parser.parse(xml) as XmlNode;
  const notifications = node(node(node(document, 'Envelope'), 'Body'), 'notifications');
  if (!notifications) {
    throw new MalformedMessageError('Body is not a SOAP envelope holding a <notifications> element');
  }
  const organizationId = text(notifications.OrganizationId);
  if (!organizationId) throw new MalformedMessageError('<OrganizationId> is missing');
  const items = (notifications.Notification ?? []) as XmlNode[];
  if (items.length === 0) throw new MalformedMessageError('The message holds no <Notification>');
  if (items.length > 100)
    throw new MalformedMessageError(`The message holds ${items.length} notifications; Salesforce sends at most 100`);
  return {
    organizationId,
    actionId: text(notifications.ActionId) ?? '',
    notifications: items.map((item, index) => toNotification(item, index)),
  };
}

function toNotification(item: XmlNode, index: number): OutboundNotification {
  const id = text(item.Id);
  const sObject = node(item, 'sObject');
  if (!id || !sObject) {
    throw new MalformedMessageError(`Notification ${index + 1} lacks its <Id> or <sObject>`);
  }
  const declaredType = String(sObject['@type'] ?? '');
  const sObjectType = declaredType.includes(':') ? declaredType.split(':')[1] : declaredType;
  const fields: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(sObject)) {
    if (name.startsWith('@')) continue;
    fields[name] = isNil(value) ? null : (text(value) ?? null);
  }
  if (!fields.Id) throw new MalformedMessageError(`Notification ${id} carries no record Id`);
  return { id, sObjectType, fields };
}

type XmlNode = Record<string, unknown>;

function node(parent: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = parent?.[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : undefined;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    const inner = (value as Record<string, unknown>)['#text'];
    return inner === undefined ? undefined : String(inner);
  }
  return String(value);
}

function isNil(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['@nil'] === 'true';
}

const ENVELOPE_START =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>';
const ENVELOPE_END = '</soapenv:Body></soapenv:Envelope>';

export function acknowledgement(): string {
  return `${ENVELOPE_START}<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>${ENVELOPE_END}`;
}

/** A SOAP fault: Salesforce keeps the notifications queued and retries them. */
export function fault(kind: 'Client' | 'Server', reason: string): string {
  return `${ENVELOPE_START}<soapenv:Fault><faultcode>soapenv:${kind}</faultcode><faultstring>${escapeXml(reason)}</faultstring></soapenv:Fault>${ENVELOPE_END}`;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
