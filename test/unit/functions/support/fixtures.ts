// Reads the vendor-shaped samples under test/fixtures.
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../../fixtures/', import.meta.url);

export function fixtureText(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

export function fixtureJson<T = unknown>(path: string): T {
  return JSON.parse(fixtureText(path)) as T;
}
