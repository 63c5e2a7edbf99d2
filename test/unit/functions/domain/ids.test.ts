import { describe, expect, it } from 'vitest';
import { nameBasedId } from '../../../../functions/domain/ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('nameBasedId', () => {
  it.each(['salesforce:00D5g000004FAKEEA0:notification:04l5g000001AbCdAAK', '', 'ünïcödé ✓'])(
    'is a lower-case UUID with version 5 and the RFC 9562 variant (%j)',
    (name) => {
      const id = nameBasedId(name);

      expect(id).toMatch(UUID);
      expect(id[14]).toBe('5');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    },
  );

  it('matches the RFC 9562 reference algorithm in the hub namespace (Python uuid.uuid5)', () => {
    // uuid.uuid5(uuid.UUID('5b0c3e2a-9f0d-4c7e-8a61-d2f4b7c9e013'), name)
    expect(nameBasedId('salesforce:00D5g000004FAKEEA0:notification:04l5g000001AbCdAAK')).toBe(
      'e1eb111a-50a3-5aa9-b669-a06591939f8a',
    );
    expect(nameBasedId('salesforce:00D5g000004FAKEEA0:Opportunity:0065g00000AbCdEAAZ')).toBe(
      'b0c1498f-476e-5d40-aab6-59ae3e8176ba',
    );
    expect(nameBasedId('')).toBe('965e0306-26b1-5197-92a2-c7486dee5e44');
  });

  it('gives the same name the same id every time', () => {
    expect(nameBasedId('salesforce:org:Opportunity:006A')).toBe(nameBasedId('salesforce:org:Opportunity:006A'));
  });

  it('gives different names different ids, even when they differ only in case or by one character', () => {
    const ids = new Set(
      [
        'salesforce:org:Opportunity:006A',
        'salesforce:org:Opportunity:006a',
        'salesforce:org:Opportunity:006B',
        'salesforce:org:Opportunity:006A ',
        'salesforce:org2:Opportunity:006A',
      ].map(nameBasedId),
    );

    expect(ids.size).toBe(5);
  });
});
