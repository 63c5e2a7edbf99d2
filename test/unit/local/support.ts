// Helpers shared by the local runtime's unit tests: polling with a deadline instead of fixed sleeps,
// and paths of the fixture bundles.
import { fileURLToPath } from 'node:url';

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 10, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Directory of a fixture Lambda bundle under test/fixtures/local/functions. */
export function fixtureFunction(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/local/functions/${name}/index.mjs`, import.meta.url));
}
