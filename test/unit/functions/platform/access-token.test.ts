import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AccessToken, TokenCache } from '../../../../functions/platform/access-token';

function issuer() {
  let issued = 0;
  const request = vi.fn(
    async (): Promise<AccessToken> => ({ value: `token-${++issued}`, expiresAt: Date.now() + 60_000 }),
  );
  return { request, cache: new TokenCache(request) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TokenCache', () => {
  it('asks once for calls made while the request is pending, and reuses the token until it expires', async () => {
    const { request, cache } = issuer();

    const [a, b] = await Promise.all([cache.current(), cache.current()]);
    const c = await cache.current();

    expect([a.value, b.value, c.value]).toEqual(['token-1', 'token-1', 'token-1']);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('asks again once the token has expired', async () => {
    vi.useFakeTimers();
    const { request, cache } = issuer();
    await cache.current();

    vi.advanceTimersByTime(60_001);

    expect((await cache.current()).value).toBe('token-2');
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('forgets a refused token, but not the newer one a concurrent call already got', async () => {
    const { cache } = issuer();
    const refused = await cache.current();
    cache.discard(refused);
    const renewed = await cache.current();

    cache.discard(refused);

    expect(renewed.value).toBe('token-2');
    expect((await cache.current()).value).toBe('token-2');
  });

  it('asks again after a failed request instead of keeping the failure', async () => {
    const request = vi
      .fn<() => Promise<AccessToken>>()
      .mockRejectedValueOnce(new Error('token endpoint down'))
      .mockResolvedValueOnce({ value: 'token-after', expiresAt: Date.now() + 60_000 });
    const cache = new TokenCache(request);

    await expect(cache.current()).rejects.toThrow('token endpoint down');
    expect((await cache.current()).value).toBe('token-after');
  });
});
