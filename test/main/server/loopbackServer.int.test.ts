import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLathe, type Lathe } from '../../../main/app';
import { tmpDir } from '../../helpers/tmp';
import { rawRequest } from '../../helpers/http';

let lathe: Lathe;
let staticDir: string;

beforeEach(async () => {
  staticDir = tmpDir();
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Lathe</title><div id="root"></div>');
  lathe = await createLathe({ home: tmpDir(), serve: true, staticDir, background: false });
});
afterEach(async () => {
  await lathe.dispose();
});

const call = (channel: string, headers: Record<string, string>, body = '{}') =>
  rawRequest(`${lathe.url}/api/call/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(`${lathe.url!.replace('http', 'ws')}/api/ws`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('loopback server', () => {
  it('binds 127.0.0.1 on a random port', () => {
    expect(lathe.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(lathe.url!).port)).toBeGreaterThan(0);
  });

  it('answers 401 without a token and with a wrong token, and serves the call with the right one', async () => {
    expect((await call('app.info', {})).status).toBe(401);
    expect((await call('app.info', { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect((await rawRequest(`${lathe.url}/`)).status).toBe(401);
    const good = await call('app.info', { authorization: `Bearer ${lathe.token}` });
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toMatchObject({ ok: true, value: { name: 'Lathe', home: lathe.home } });
  });

  it('refuses requests whose Host or Origin is not loopback, even with the token (DNS rebinding)', async () => {
    const auth = { authorization: `Bearer ${lathe.token}` };
    const rebound = await call('app.info', { ...auth, host: `attacker.example.com:${new URL(lathe.url!).port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    expect((await call('app.info', { ...auth, origin: 'https://attacker.example.com' })).status).toBe(403);
    expect((await call('app.info', { ...auth, host: `localhost:${new URL(lathe.url!).port}` })).status).toBe(200);
  });

  it('turns the printed ?token= URL into an HttpOnly cookie and then serves the renderer with a CSP', async () => {
    const first = await rawRequest(`${lathe.url}/?token=${lathe.token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await rawRequest(`${lathe.url}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await rawRequest(`${lathe.url}/?token=wrong`)).status).toBe(401);
  });

  it('answers malformed JSON bodies with invalid-argument', async () => {
    const res = await call('settings.update', { authorization: `Bearer ${lathe.token}` }, '{"patch": ');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    await expect(openSocket({})).rejects.toThrow('HTTP 401');
    await expect(openSocket({ authorization: `Bearer ${lathe.token}`, origin: 'https://attacker.example.com' })).rejects.toThrow('HTTP 403');
  });

  it('serves calls over the WebSocket and pushes events to subscribers', async () => {
    const ws = await openSocket({ authorization: `Bearer ${lathe.token}` });
    const messages: Array<{ type: string; id?: number; name?: string; result?: unknown; payload?: unknown }> = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as (typeof messages)[number]));
    const until = async (predicate: () => boolean) => {
      for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(predicate()).toBe(true);
    };
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'settings.update', payload: { patch: { theme: 'dark' } } }));
    await until(() => messages.some((m) => m.type === 'result' && m.id === 1));
    expect(messages.find((m) => m.id === 1)?.result).toMatchObject({ ok: true, value: { theme: 'dark' } });
    await until(() => messages.some((m) => m.type === 'event' && m.name === 'settings.changed'));
    expect(messages.find((m) => m.name === 'settings.changed')?.payload).toMatchObject({ theme: 'dark' });
    await until(() => messages.some((m) => m.type === 'event' && m.name === 'events.changed'));
    expect(messages.find((m) => m.name === 'events.changed')?.payload).toMatchObject({ action: 'settings.update', actor: 'ui' });
    ws.close();
  });
});
