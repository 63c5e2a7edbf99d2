import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  acknowledgement,
  fault,
  MalformedMessageError,
  parseOutboundMessage,
} from '../../../../../functions/connectors/salesforce/outbound-message';
import { fixtureText } from '../../support/fixtures';
import {
  envelope,
  notificationXml,
  ORG_ID,
  opportunityNotification,
  outboundMessage,
} from '../../support/outbound-messages';

const readBack = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true });

function parseError(xml: string): MalformedMessageError {
  try {
    parseOutboundMessage(xml);
  } catch (error) {
    if (error instanceof MalformedMessageError) return error;
    throw error;
  }
  throw new Error('parseOutboundMessage accepted the body');
}

describe('parseOutboundMessage', () => {
  it('reads the organization, action and the one notification of a real-shaped envelope', () => {
    const xml = fixtureText('salesforce/outbound-message-single.xml');

    const message = parseOutboundMessage(xml);

    expect(message.organizationId).toBe('00D5g000004FAKEEA0');
    expect(message.actionId).toBe('04k5g000000TESTAAA');
    expect(message.notifications).toHaveLength(1);
    expect(message.notifications[0]).toEqual({
      id: '04l5g000001AbCdAAK',
      sObjectType: 'Opportunity',
      fields: {
        Id: '0065g00000AbCdEAAZ',
        AccountId: '0015g00000XyZabAAB',
        Amount: '52375.0',
        CloseDate: '2026-11-20',
        CurrencyIsoCode: 'EUR',
        Description: null,
        ERP_Customer_Code__c: '00123',
        LastModifiedDate: '2026-11-20T14:03:27.000Z',
        Name: 'Müller & Söhne - Laptop refresh',
        StageName: 'Closed Won',
      },
    });
  });

  it('keeps every notification of a batch in document order', () => {
    const xml = fixtureText('salesforce/outbound-message-batch.xml');

    const message = parseOutboundMessage(xml);

    expect(message.notifications.map((n) => n.id)).toEqual([
      '04l5g000001AbCdAAK',
      '04l5g000001AbCeAAK',
      '04l5g000001AbCfAAK',
    ]);
    expect(message.notifications.map((n) => n.fields.Amount)).toEqual(['52375.0', '53100.0', null]);
    expect(message.notifications[2].fields.AccountId).toBeNull();
  });

  it('keeps values such as "00123", "1.50" and "true" as the strings Salesforce sent', () => {
    const xml = outboundMessage([
      opportunityNotification(1, { Legacy_Code__c: '00123', Probability: '1.50', IsWon: 'true', Rank__c: '1e3' }),
    ]);

    const { fields } = parseOutboundMessage(xml).notifications[0];

    expect(fields.Legacy_Code__c).toBe('00123');
    expect(fields.Probability).toBe('1.50');
    expect(fields.IsWon).toBe('true');
    expect(fields.Rank__c).toBe('1e3');
  });

  it('reads xsi:nil fields as null and empty elements as empty strings', () => {
    const xml = outboundMessage([opportunityNotification(1, { Amount: null, Description: '' })]);

    const { fields } = parseOutboundMessage(xml).notifications[0];

    expect(fields.Amount).toBeNull();
    expect(fields.Description).toBe('');
  });

  it('decodes the predefined XML entities in field values', () => {
    const xml = outboundMessage([
      opportunityNotification(1, { Name: 'R&amp;D &lt;EMEA&gt; &quot;Q4&quot; it&apos;s' }),
    ]);

    expect(parseOutboundMessage(xml).notifications[0].fields.Name).toBe('R&D <EMEA> "Q4" it\'s');
  });

  it('decodes numeric character references, as XML requires', () => {
    const xml = outboundMessage([opportunityNotification(1, { Name: 'Caf&#233; &#x2014; Z&#252;rich' })]);

    expect(parseOutboundMessage(xml).notifications[0].fields.Name).toBe('Café — Zürich');
  });

  it('ignores which namespace prefixes the sender chose', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">',
      '<S:Body><out:notifications xmlns:out="http://soap.sforce.com/2005/09/outbound">',
      '<out:OrganizationId>00D5g000004FAKEEA0</out:OrganizationId><out:ActionId>04k5g000000TESTAAA</out:ActionId>',
      '<out:Notification><out:Id>04l5g000001AbCdAAK</out:Id>',
      '<out:sObject i:type="so:Opportunity" xmlns:so="urn:sobject.enterprise.soap.sforce.com">',
      '<so:Id>0065g00000AbCdEAAZ</so:Id><so:Amount i:nil="true"/><so:StageName>Closed Won</so:StageName>',
      '</out:sObject></out:Notification></out:notifications></S:Body></S:Envelope>',
    ].join('');

    const message = parseOutboundMessage(xml);

    expect(message.organizationId).toBe('00D5g000004FAKEEA0');
    expect(message.notifications).toEqual([
      {
        id: '04l5g000001AbCdAAK',
        sObjectType: 'Opportunity',
        fields: { Id: '0065g00000AbCdEAAZ', Amount: null, StageName: 'Closed Won' },
      },
    ]);
  });

  it('takes the sObject type from xsi:type whether or not it has a prefix', () => {
    const xml = envelope(
      `<OrganizationId>${ORG_ID}</OrganizationId>` +
        '<Notification><Id>04l5g000001AbCdAAK</Id><sObject xsi:type="Account"><Id>0015g00000XyZabAAB</Id></sObject></Notification>',
    );

    expect(parseOutboundMessage(xml).notifications[0].sObjectType).toBe('Account');
  });

  it('accepts 100 notifications, the most Salesforce puts in one message', () => {
    const notifications = Array.from({ length: 100 }, (_, i) => opportunityNotification(i + 1));

    const message = parseOutboundMessage(outboundMessage(notifications));

    expect(message.notifications).toHaveLength(100);
    expect(message.notifications[99].id).toBe(notifications[99].id);
  });

  it('leaves the action id empty when the message has none', () => {
    const xml = envelope(`<OrganizationId>${ORG_ID}</OrganizationId>${notificationXml(opportunityNotification(1))}`);

    expect(parseOutboundMessage(xml).actionId).toBe('');
  });

  describe('refuses a body that is not a Salesforce outbound message', () => {
    it.each([
      ['plain text', 'hello'],
      ['JSON', '{"notifications":[]}'],
      ['an empty body', ''],
      ['unclosed XML', '<soapenv:Envelope><soapenv:Body>'],
    ])('%s is not well-formed XML', (_, body) => {
      expect(parseError(body).message).toMatch(/^Body is not well-formed XML: .+ \(line \d+\)$/);
    });

    it('well-formed XML without a SOAP envelope', () => {
      expect(parseError('<notifications><OrganizationId>00D</OrganizationId></notifications>').message).toBe(
        'Body is not a SOAP envelope holding a <notifications> element',
      );
    });

    it('a SOAP envelope without <notifications>', () => {
      const xml =
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><other/></soapenv:Body></soapenv:Envelope>';

      expect(parseError(xml).message).toBe('Body is not a SOAP envelope holding a <notifications> element');
    });

    it('a message without <OrganizationId>', () => {
      const xml = envelope(`<ActionId>04k5g000000TESTAAA</ActionId>${notificationXml(opportunityNotification(1))}`);

      expect(parseError(xml).message).toBe('<OrganizationId> is missing');
    });

    it('a message with an empty <OrganizationId>', () => {
      const xml = envelope(`<OrganizationId></OrganizationId>${notificationXml(opportunityNotification(1))}`);

      expect(parseError(xml).message).toBe('<OrganizationId> is missing');
    });

    it('a message with no notification', () => {
      expect(parseError(outboundMessage([])).message).toBe('The message holds no <Notification>');
    });

    it('a message with more than 100 notifications', () => {
      const notifications = Array.from({ length: 101 }, (_, i) => opportunityNotification(i + 1));

      expect(parseError(outboundMessage(notifications)).message).toBe(
        'The message holds 101 notifications; Salesforce sends at most 100',
      );
    });

    it('a notification without <Id>, naming its position', () => {
      const xml = envelope(
        `<OrganizationId>${ORG_ID}</OrganizationId>${notificationXml(opportunityNotification(1))}` +
          '<Notification><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065g00000AbCdEAAZ</sf:Id></sObject></Notification>',
      );

      expect(parseError(xml).message).toBe('Notification 2 lacks its <Id> or <sObject>');
    });

    it('a notification without <sObject>', () => {
      const xml = envelope(
        `<OrganizationId>${ORG_ID}</OrganizationId><Notification><Id>04l5g000001AbCdAAK</Id></Notification>`,
      );

      expect(parseError(xml).message).toBe('Notification 1 lacks its <Id> or <sObject>');
    });

    it('a notification whose record has no Id, naming the notification', () => {
      const xml = outboundMessage([{ id: '04l5g000001AbCdAAK', fields: { StageName: 'Closed Won' } }]);

      expect(parseError(xml).message).toBe('Notification 04l5g000001AbCdAAK carries no record Id');
    });

    it('a notification whose record Id is nil', () => {
      const xml = outboundMessage([{ id: '04l5g000001AbCdAAK', fields: { Id: null, StageName: 'Closed Won' } }]);

      expect(parseError(xml).message).toBe('Notification 04l5g000001AbCdAAK carries no record Id');
    });
  });
});

describe('acknowledgement', () => {
  it('is a SOAP envelope whose notificationsResponse carries Ack=true in the outbound namespace', () => {
    const xml = acknowledgement();

    expect(XMLValidator.validate(xml)).toBe(true);
    expect(readBack.parse(xml).Envelope.Body.notificationsResponse).toEqual({ Ack: 'true' });
    expect(xml).toContain('<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">');
    expect(xml).toContain('xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"');
  });
});

describe('fault', () => {
  it.each(['Client', 'Server'] as const)('is a SOAP %s fault with the reason as faultstring', (kind) => {
    const xml = fault(kind, 'Organization 00D000000000001 is not allowed to send to this hub');

    expect(XMLValidator.validate(xml)).toBe(true);
    expect(readBack.parse(xml).Envelope.Body.Fault).toEqual({
      faultcode: `soapenv:${kind}`,
      faultstring: 'Organization 00D000000000001 is not allowed to send to this hub',
    });
  });

  it('escapes markup in the reason so the fault stays well-formed and says exactly the reason', () => {
    const reason = `<OrganizationId> & "quotes" aren't markup</faultstring><injected/>`;

    const xml = fault('Client', reason);

    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain('<injected/>');
    const parsed = new XMLParser({ removeNSPrefix: true, parseTagValue: false, htmlEntities: true }).parse(xml);
    expect(parsed.Envelope.Body.Fault.faultstring).toBe(reason);
  });
});
