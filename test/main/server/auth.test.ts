import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, isLoopbackHost, parseCookies, presentedToken } from '../../../main/server/auth';

describe('loopback server auth', () => {
  it.each([
    [undefined, 4321, true],
    ['http://127.0.0.1:4321', 4321, true],
    ['http://localhost:4321', 4321, true],
    ['http://[::1]:4321', 4321, true],
    ['app://lathe', 4321, true],
    ['http://127.0.0.1:4322', 4321, false],
    ['http://localhost:8888', 4321, false],
    ['https://127.0.0.1:4321', 4321, false],
    ['http://attacker.example.com:4321', 4321, false],
    ['null', 4321, false],
    ['app://evil', 4321, false],
    ['http://127.0.0.1', 80, true],
    ['http://127.0.0.1', 4321, false],
  ])('Origin %s on port %s allowed: %s', (origin, port, allowed) => {
    expect(isAllowedOrigin(origin, port)).toBe(allowed);
  });

  it.each([
    ['127.0.0.1:4321', true],
    ['localhost', true],
    ['[::1]:80', true],
    ['LOCALHOST:1', true],
    ['attacker.example.com:4321', false],
    ['127.0.0.1.nip.io:4321', false],
    [undefined, false],
  ])('Host %s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('skips cookies that are not valid percent-encoding instead of throwing', () => {
    expect([...parseCookies('bad=%E0%A4%A; lathe_token_1=abc%20d')]).toEqual([['lathe_token_1', 'abc d']]);
    expect(presentedToken({ cookie: 'x=%E0%A4%A; lathe_token_9=t0k' }, 9)).toBe('t0k');
    expect(presentedToken({ authorization: 'Bearer  spaced ', cookie: 'lathe_token_9=t0k' }, 9)).toBe('spaced');
    expect(presentedToken({ cookie: 'lathe_token_8=t0k' }, 9)).toBeNull();
  });
});
