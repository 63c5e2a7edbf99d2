// The README is part of the product: every exception code a user can meet is explained there, and
// every npm script it tells a newcomer to run exists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXCEPTION_CODES } from '../../functions/domain/exceptions';
import { PROJECT_ROOT } from '../../paths';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

describe('README', () => {
  it('explains every exception code in its table', () => {
    const documented = [...readme.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(EXCEPTION_CODES));
  });

  it('opens with the commands that run the hub and the tests', () => {
    const firstLines = readme.split('\n').slice(0, 15).join('\n');
    expect(firstLines).toContain('npm ci && npm start');
    expect(firstLines).toContain('npm test');
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm (?:run )?([a-z:]+)/g)].map((m) => m[1]).filter((name) => name !== 'ci');
    for (const name of named) expect(Object.keys(scripts), name).toContain(name);
  });
});
