// Builds Salesforce outbound-message envelopes for the cases the fixtures do not cover.

export const ORG_ID = '00D5g000004FAKEEA0';

export interface NotificationSpec {
  id: string;
  type?: string;
  fields: Record<string, string | null>;
}

export function notificationXml(n: NotificationSpec): string {
  const fields = Object.entries(n.fields)
    .map(([name, value]) => (value === null ? `<sf:${name} xsi:nil="true"/>` : `<sf:${name}>${value}</sf:${name}>`))
    .join('');
  return `<Notification><Id>${n.id}</Id><sObject xsi:type="sf:${n.type ?? 'Opportunity'}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`;
}

/** The envelope around any `<notifications>` content. */
export function envelope(notificationsContent: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">',
    notificationsContent,
    '</notifications></soapenv:Body></soapenv:Envelope>',
  ].join('');
}

export function outboundMessage(notifications: NotificationSpec[], orgId = ORG_ID): string {
  return envelope(
    `<OrganizationId>${orgId}</OrganizationId><ActionId>04k5g000000TESTAAA</ActionId><SessionId xsi:nil="true"/>${notifications.map(notificationXml).join('')}`,
  );
}

/** A notification id unique to `n`, shaped like Salesforce's (prefix 04l, 18 characters). */
export function notificationId(n: number): string {
  return `04l5g${String(n).padStart(10, '0')}AAK`;
}

export function opportunityNotification(n: number, fields: Record<string, string | null> = {}): NotificationSpec {
  return {
    id: notificationId(n),
    fields: { Id: `0065g${String(n).padStart(10, '0')}AAZ`, StageName: 'Closed Won', ...fields },
  };
}
