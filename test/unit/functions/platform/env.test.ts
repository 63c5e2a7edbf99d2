import { afterEach, describe, expect, it, vi } from 'vitest';
import { listFromEnv, requireEnv } from '../../../../functions/platform/env';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('requireEnv', () => {
  it('returns the value of a set variable', () => {
    vi.stubEnv('HUB_TEST_TABLE', 'hub-correlation');

    expect(requireEnv('HUB_TEST_TABLE')).toBe('hub-correlation');
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('stops with the variable name when it is %s', (_, value) => {
    vi.stubEnv('HUB_TEST_TABLE', value);

    expect(() => requireEnv('HUB_TEST_TABLE')).toThrow(
      'Environment variable HUB_TEST_TABLE is not set; the stack must provide it',
    );
  });
});

describe('listFromEnv', () => {
  it('splits on commas, trims and drops empty entries', () => {
    vi.stubEnv('HUB_TEST_ORGS', ' 00D5g000004FAKEEA0, ,00D5g000009OTHREA0 ,');

    expect(listFromEnv('HUB_TEST_ORGS')).toEqual(['00D5g000004FAKEEA0', '00D5g000009OTHREA0']);
  });
});
