import { describe, expect, it } from 'vitest';
import { backoffDelay, CONNECTION_LOST_MESSAGE, WsClient, type ConnectionState, type SocketLike } from '../../renderer/api/wsClient';
import { webSocketUrl } from '../../renderer/api/client';

class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Array<{ type: string; id: number; channel: string; payload: unknown }> = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
    this.receive({ type: 'hello', channels: ['app.info'], events: [] });
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.onclose?.({});
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const client = new WsClient('ws://127.0.0.1:1234/api/ws', {
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    initialDelayMs: 100,
    maxDelayMs: 1000,
  });
  const states: ConnectionState[] = [];
  client.onStateChange((state) => states.push(state));
  return { client, sockets, timers, states, socket: () => sockets.at(-1)! };
}

describe('WebSocket client', () => {
  it('queues calls made before the socket opens and sends them on open', async () => {
    const { client, socket } = setup();
    const pending = client.call('settings.get', {});
    expect(socket().sent).toEqual([]);
    socket().open();
    expect(socket().sent).toEqual([{ type: 'call', id: 1, channel: 'settings.get', payload: {} }]);
    socket().receive({ type: 'result', id: 1, result: { ok: true, value: { theme: 'dark' } } });
    await expect(pending).resolves.toEqual({ ok: true, value: { theme: 'dark' } });
    expect(client.state).toBe('open');
    expect(client.serverChannels).toEqual(['app.info']);
  });

  it('correlates answers by id, whatever their order', async () => {
    const { client, socket } = setup();
    socket().open();
    const first = client.call('app.info', {});
    const second = client.call('events.list', { limit: 5 });
    const [a, b] = socket().sent;
    expect(a!.id).not.toBe(b!.id);
    expect(b).toMatchObject({ channel: 'events.list', payload: { limit: 5 } });
    socket().receive({ type: 'result', id: b!.id, result: { ok: true, value: ['second'] } });
    socket().receive({ type: 'result', id: a!.id, result: { ok: false, error: { code: 'internal', message: 'first failed' } } });
    await expect(second).resolves.toEqual({ ok: true, value: ['second'] });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'first failed' } });
  });

  it("answers pending calls with 'unavailable' on close and reconnects with backoff", async () => {
    const { client, sockets, timers, states, socket } = setup();
    socket().open();
    const inFlight = client.call('system.info', { refresh: true });
    socket().drop();
    await expect(inFlight).resolves.toEqual({ ok: false, error: { code: 'unavailable', message: CONNECTION_LOST_MESSAGE } });
    expect(client.state).toBe('reconnecting');
    expect(timers.map((t) => t.ms)).toEqual([100]);

    const queued = client.call('settings.get', {});
    timers.shift()!.fn();
    expect(sockets).toHaveLength(2);
    socket().drop();
    expect(timers.map((t) => t.ms)).toEqual([200]);
    await expect(queued).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });

    timers.shift()!.fn();
    socket().open();
    expect(client.state).toBe('open');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    const after = client.call('settings.get', {});
    socket().receive({ type: 'result', id: socket().sent[0]!.id, result: { ok: true, value: 1 } });
    await expect(after).resolves.toEqual({ ok: true, value: 1 });
    socket().drop();
    expect(timers.map((t) => t.ms)).toEqual([100]);
  });

  it('delivers pushed events to their listeners until unsubscribed', () => {
    const { client, socket } = setup();
    socket().open();
    const seen: unknown[] = [];
    const off = client.on('events.changed', (entry) => seen.push(entry.id));
    socket().receive({ type: 'event', name: 'events.changed', payload: { id: 7 } });
    socket().receive({ type: 'event', name: 'settings.changed', payload: {} });
    off();
    socket().receive({ type: 'event', name: 'events.changed', payload: { id: 8 } });
    expect(seen).toEqual([7]);
  });

  it('answers calls after dispose without a socket, and stops reconnecting', async () => {
    const { client, socket, timers } = setup();
    socket().open();
    const pending = client.call('app.info', {});
    client.dispose();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(socket().closed).toBe(true);
    expect(timers).toEqual([]);
    await expect(client.call('app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('builds the socket URL from the page origin', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:5173' })).toBe('ws://127.0.0.1:5173/api/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'localhost:8443' })).toBe('wss://localhost:8443/api/ws');
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 500, 10_000))).toEqual([500, 1000, 2000, 4000, 10_000]);
  });
});
