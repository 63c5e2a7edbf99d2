// The deployment settings from CDK context, and the connected systems they name, as the synth
// reads and checks them before any construct exists.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { SYSTEM_NAMES } from '../../../functions/connectors/registry';
import { readConfig } from '../../../lib/config';
import { connectedSystems, systemsOfKind } from '../../../lib/systems';

const SYSTEMS = {
  salesforce: { orgIds: ['00D5g0000HUBDEVEQ5'] },
  netsuite: { subsidiaryId: '1' },
};

function config(context: Record<string, unknown>) {
  return readConfig(new App({ context }).node);
}

const valid = (overrides: Record<string, unknown> = {}) => ({
  'hub:stage': 'dev',
  'hub:systems': SYSTEMS,
  'hub:routing': { default: { target: 'netsuite' } },
  ...overrides,
});

describe('readConfig', () => {
  it('reads the stage, the systems and the routing, defaults filled in', () => {
    expect(config(valid())).toEqual({
      stage: 'dev',
      systems: SYSTEMS,
      routing: { regions: {}, rules: [], default: { target: 'netsuite' } },
      capacity: { enabled: true, flows: {}, systems: {} },
    });
  });

  it('reads hub:capacity with the defaults of every budget and refuses a ceiling of nothing', () => {
    const read = config(
      valid({ 'hub:capacity': { systems: { netsuite: { accountLimit: 15, reservedForOthers: 5 } } } }),
    );
    expect(read.capacity.systems.netsuite).toMatchObject({
      accountLimit: 15,
      reservedForOthers: 5,
      increaseEvery: 10,
      probeEvery: 200,
      leaseSeconds: 90,
      breaker: { failures: 5, cooldownSeconds: 5, maxCooldownSeconds: 30 },
    });
    expect(() =>
      config(valid({ 'hub:capacity': { systems: { netsuite: { accountLimit: 5, reservedForOthers: 5 } } } })),
    ).toThrow(/hub:capacity\.systems\.netsuite.*reservedForOthers must leave at least one/s);
  });

  it('reads hub:systems and hub:routing given as JSON strings (-c key=...)', () => {
    const routing = {
      rules: [{ name: 'us', target: 'netsuite', when: { country: ['US'] } }],
      default: { target: 'netsuite' },
    };

    const read = config(valid({ 'hub:systems': JSON.stringify(SYSTEMS), 'hub:routing': JSON.stringify(routing) }));

    expect(read.systems).toEqual(SYSTEMS);
    expect(read.routing).toEqual({ regions: {}, ...routing });
  });

  it('refuses a JSON string that does not parse, naming the key', () => {
    expect(() => config(valid({ 'hub:routing': '{default:' }))).toThrow(
      "Context hub:routing must be a JSON object; got '{default:'",
    );
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['an array', ['netsuite']],
    ['a JSON array', '["netsuite"]'],
    ['null', null],
  ])('refuses hub:systems when it is %s', (_, value) => {
    expect(() => config(valid({ 'hub:systems': value }))).toThrow(
      'Context hub:systems is missing or not an object; set it in cdk.json (see README, Configuration)',
    );
  });

  it.each([
    ['hub:salesforceOrgIds', ['00D5g0000HUBDEVEQ5'], 'hub:systems.salesforce.orgIds'],
    ['hub:netsuiteSubsidiaryId', '1', 'hub:systems.netsuite.subsidiaryId'],
  ])('refuses the moved key %s, naming where it lives now', (key, value, now) => {
    expect(() => config(valid({ [key]: value }))).toThrow(`Context ${key} has moved to ${now}`);
  });

  it('refuses a missing stage', () => {
    expect(() => config(valid({ 'hub:stage': undefined }))).toThrow(
      'Context hub:stage is missing; set it in cdk.json or with -c hub:stage=...',
    );
  });

  it.each(['Prod', 'p', 'a-stage-name-too-long', '1st'])('refuses the stage %j', (stage) => {
    expect(() => config(valid({ 'hub:stage': stage }))).toThrow(
      `Context hub:stage must be 2-16 lowercase letters, digits or dashes; got '${stage}'`,
    );
  });

  it('refuses a routing, naming every problem with its key path', () => {
    const routing = {
      rules: [
        { name: 'all', target: 'netsuite', when: {} },
        { name: 'emea', target: 'netsuite', when: { region: ['emea'] } },
      ],
      default: { target: 'netsuite', shadow: 'netsuite' },
    };

    expect(() => config(valid({ 'hub:routing': routing }))).toThrow(
      [
        'Context hub:routing is not valid:',
        '  hub:routing.rules.0.when: a rule needs at least one condition',
        "  hub:routing.rules.1.when.region: region 'emea' is not defined under regions",
        '  hub:routing.default.shadow: the shadow ERP must differ from the target',
      ].join('\n'),
    );
  });
});

describe('connectedSystems', () => {
  it('gives every system with its connector kind, title, secret and parsed settings', async () => {
    const systems = await connectedSystems(config(valid()));

    expect(systems.map(({ name, kind, title, settings }) => ({ name, kind, title, settings }))).toEqual([
      { name: 'salesforce', kind: 'crm', title: 'Salesforce', settings: { orgIds: ['00D5g0000HUBDEVEQ5'] } },
      { name: 'netsuite', kind: 'erp', title: 'NetSuite', settings: { subsidiaryId: '1' } },
    ]);
    expect(systems[1].secret.generatedKey).toBe('privateKeyPem');
    expect(systemsOfKind(systems, 'erp').map((s) => s.name)).toEqual(['netsuite']);
  });

  it('refuses a system no connector is registered for, listing the known ones', async () => {
    const read = config(valid({ 'hub:systems': { ...SYSTEMS, 'legacy-erp': {} } }));

    await expect(connectedSystems(read)).rejects.toThrow(
      `Context hub:systems.legacy-erp: no connector is registered for 'legacy-erp'; known: ${SYSTEM_NAMES.join(', ')}`,
    );
  });

  it('refuses settings the connector does not accept, with the key path', async () => {
    const read = config(valid({ 'hub:systems': { ...SYSTEMS, netsuite: { subsidiaryId: 'main' } } }));

    await expect(connectedSystems(read)).rejects.toThrow(
      'Context hub:systems.netsuite is not valid:\n  hub:systems.netsuite.subsidiaryId: must be a NetSuite internal id (digits)',
    );
  });

  it('refuses a system given no settings when its connector needs some', async () => {
    const read = config(valid({ 'hub:systems': { ...SYSTEMS, netsuite: null } }));

    await expect(connectedSystems(read)).rejects.toThrow(
      /^Context hub:systems\.netsuite is not valid:\n {2}hub:systems\.netsuite\.subsidiaryId: /,
    );
  });

  it('refuses unknown settings of a system, naming the key it is under', async () => {
    const read = config(
      valid({ 'hub:systems': { ...SYSTEMS, salesforce: { orgIds: ['00D5g0000HUBDEVEQ5'], orgId: 'x' } } }),
    );

    await expect(connectedSystems(read)).rejects.toThrow(/hub:systems\.salesforce: Unrecognized key: "orgId"/);
  });

  it('refuses routing orders to a system that is not connected', async () => {
    const read = config(
      valid({
        'hub:routing': {
          rules: [{ name: 'dach', target: 'sap-s4hana', when: { country: ['DE'] } }],
          default: { target: 'netsuite' },
        },
      }),
    );

    await expect(connectedSystems(read)).rejects.toThrow(
      "Context hub:routing sends orders to 'sap-s4hana', which is not a connected ERP; connected ERPs: netsuite (hub:systems)",
    );
  });

  it('refuses a shadow that is not connected', async () => {
    const read = config(valid({ 'hub:routing': { default: { target: 'netsuite', shadow: 'odoo' } } }));

    await expect(connectedSystems(read)).rejects.toThrow("Context hub:routing sends orders to 'odoo'");
  });

  it('refuses routing orders to a CRM', async () => {
    const read = config(valid({ 'hub:routing': { default: { target: 'salesforce' } } }));

    await expect(connectedSystems(read)).rejects.toThrow(
      "Context hub:routing sends orders to 'salesforce', which is not a connected ERP; connected ERPs: netsuite (hub:systems)",
    );
  });

  it('says "none" when no ERP is connected', async () => {
    const read = config(valid({ 'hub:systems': { salesforce: SYSTEMS.salesforce } }));

    await expect(connectedSystems(read)).rejects.toThrow('connected ERPs: none (hub:systems)');
  });

  it('refuses a deployment that connects no CRM', async () => {
    const read = config(valid({ 'hub:systems': { netsuite: SYSTEMS.netsuite } }));

    await expect(connectedSystems(read)).rejects.toThrow('Context hub:systems connects no CRM');
  });
});
