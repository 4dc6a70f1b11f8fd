import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies.js';
import { signJwt, verifyJwt } from './jwt.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { TtlCache } from './ttl-cache.js';

const secret = Buffer.alloc(32, 7);

describe('jwt', () => {
  const exp = Math.floor(Date.now() / 1000) + 60;

  it('round-trips claims', () => {
    expect(verifyJwt(signJwt({ sub: 'u', exp }, secret), secret)).toEqual({ sub: 'u', exp });
  });

  it.each([
    ['another secret', (t: string) => t, Buffer.alloc(32, 8)],
    [
      'a changed payload',
      (t: string) =>
        t.replace(
          /\.[^.]+\./,
          `.${Buffer.from('{"sub":"admin","exp":9999999999}').toString('base64url')}.`,
        ),
      secret,
    ],
    [
      'alg none',
      (t: string) =>
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${t.split('.')[1]!}.`,
      secret,
    ],
    ['garbage', () => 'a.b.c', secret],
  ])('rejects %s', (_name, mutate, key) => {
    expect(verifyJwt(mutate(signJwt({ sub: 'u', exp }, secret)), key)).toBeNull();
  });

  it('rejects an expired token', () => {
    expect(verifyJwt(signJwt({ exp: 100 }, secret), secret, 101)).toBeNull();
  });
});

describe('password', () => {
  it('verifies the right password only, with a salt per hash', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('asks for 12 characters or more', () => {
    expect(passwordProblem('short')).toMatch(/12/);
    expect(passwordProblem('long enough pw')).toBeNull();
  });
});

describe('TtlCache', () => {
  it('expires entries and evicts the least recently used beyond its size', () => {
    let now = 0;
    const cache = new TtlCache<string, number>(2, 100, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    now = 150;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});

describe('LoginThrottle', () => {
  it('locks an account and address after 5 failures, and the address after 50', () => {
    let now = 0;
    const throttle = new LoginThrottle(
      { maxFailures: 5, maxFailuresPerIp: 50, windowMs: 60_000, lockMs: 120_000, maxEntries: 100 },
      () => now,
    );
    for (let i = 0; i < 4; i++) throttle.recordFailure('a@x', '1.1.1.1');
    expect(throttle.retryAfterSeconds('a@x', '1.1.1.1')).toBe(0);
    throttle.recordFailure('a@x', '1.1.1.1');
    expect(throttle.retryAfterSeconds('a@x', '1.1.1.1')).toBe(120);
    expect(throttle.retryAfterSeconds('a@x', '2.2.2.2')).toBe(0);
    now = 121_000;
    expect(throttle.retryAfterSeconds('a@x', '1.1.1.1')).toBe(0);
    for (let i = 0; i < 50; i++) throttle.recordFailure(`user${i}@x`, '3.3.3.3');
    expect(throttle.retryAfterSeconds('new@x', '3.3.3.3')).toBeGreaterThan(0);
  });

  it('stays bounded: beyond maxEntries the oldest records are forgotten', () => {
    const throttle = new LoginThrottle({
      maxFailures: 5,
      maxFailuresPerIp: 50,
      windowMs: 60_000,
      lockMs: 60_000,
      maxEntries: 10,
    });
    for (let i = 0; i < 4; i++) throttle.recordFailure('first', 'ip0');
    for (let i = 1; i <= 20; i++) throttle.recordFailure(`u${i}`, `ip${i}`);
    throttle.recordFailure('first', 'ip0');
    expect(throttle.retryAfterSeconds('first', 'ip0')).toBe(0);
  });
});

describe('cookies', () => {
  it('parses a Cookie header and serialises Set-Cookie with the flags', () => {
    expect(parseCookies('a=1; b="two"; a=3')).toEqual(
      new Map([
        ['a', '1'],
        ['b', 'two'],
      ]),
    );
    expect(serializeCookie('s', 'v', { maxAgeSeconds: 60, httpOnly: true, secure: true })).toBe(
      's=v; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure',
    );
  });
});
