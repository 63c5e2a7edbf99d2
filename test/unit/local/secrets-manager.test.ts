// LocalSecretsManager: secrets by name or ARN, new versions on put, and the values kept in an
// owner-only file that a later run reads back.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSecretsManager } from '../../../local/aws/secrets-manager';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:hub/netsuite-local';

let directory: string;
let file: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'secrets-'));
  file = join(directory, 'secrets.json');
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('secrets', () => {
  it('finds a defined secret by name and by ARN', () => {
    // Prepare
    const secrets = new LocalSecretsManager();
    const before = Date.now();

    // Act
    secrets.define('hub/netsuite', ARN, '{"token":"t1"}');

    // Assess
    const byName = secrets.get('hub/netsuite');
    expect(byName).toMatchObject({ name: 'hub/netsuite', arn: ARN, value: '{"token":"t1"}' });
    expect(byName?.versionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byName?.createdDate).toBeGreaterThanOrEqual(before);
    expect(secrets.get(ARN)).toBe(byName);
    expect(secrets.get('hub/missing')).toBeUndefined();
  });

  it('stores a new value under a new version id on put', () => {
    // Prepare
    const secrets = new LocalSecretsManager();
    secrets.define('hub/netsuite', ARN, 'v1');
    const firstVersion = secrets.get(ARN)?.versionId;

    // Act
    const updated = secrets.put(ARN, 'v2');

    // Assess
    expect(updated).toMatchObject({ name: 'hub/netsuite', value: 'v2' });
    expect(updated?.versionId).not.toBe(firstVersion);
    expect(secrets.get('hub/netsuite')?.value).toBe('v2');
  });

  it('answers undefined when putting a secret that does not exist', () => {
    // Prepare
    const secrets = new LocalSecretsManager(file);

    // Act
    const updated = secrets.put('hub/missing', 'x');

    // Assess
    expect(updated).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('lists every secret', () => {
    // Prepare
    const secrets = new LocalSecretsManager();
    secrets.define('a', `${ARN}-a`, '1');
    secrets.define('b', `${ARN}-b`, '2');

    // Act
    const names = secrets.list().map((s) => s.name);

    // Assess
    expect(names).toEqual(['a', 'b']);
  });
});

describe('persistence', () => {
  it('writes the values by name to an owner-only (0600) file', () => {
    // Prepare
    const secrets = new LocalSecretsManager(file);

    // Act
    secrets.define('hub/netsuite', ARN, '{"token":"t1"}');
    secrets.define('hub/salesforce', `${ARN}-sf`, 'sf');
    secrets.put('hub/netsuite', '{"token":"t2"}');

    // Assess
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      'hub/netsuite': '{"token":"t2"}',
      'hub/salesforce': 'sf',
    });
  });

  it('gives the saved values back to a later run', () => {
    // Prepare
    const first = new LocalSecretsManager(file);
    first.define('hub/netsuite', ARN, 'kept');

    // Act
    const second = new LocalSecretsManager(file);
    const saved = second.savedValues();
    second.define('hub/netsuite', ARN, saved['hub/netsuite']);

    // Assess
    expect(saved).toEqual({ 'hub/netsuite': 'kept' });
    expect(second.get(ARN)?.value).toBe('kept');
  });

  it('has no saved values without a file, or before the first write', () => {
    // Act / Assess
    expect(new LocalSecretsManager().savedValues()).toEqual({});
    expect(new LocalSecretsManager(file).savedValues()).toEqual({});
  });

  it('writes nothing when it has no file', () => {
    // Prepare
    const secrets = new LocalSecretsManager();

    // Act
    secrets.define('hub/netsuite', ARN, 'value');

    // Assess
    expect(existsSync(file)).toBe(false);
  });
});
