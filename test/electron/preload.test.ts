import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, type LatheBridge } from '../../main/contract/bridge';
import { CHANNELS } from '../../main/contract/channels';

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  const listeners: Array<{ channel: string; listener: (...args: unknown[]) => void }> = [];
  return {
    exposed,
    listeners,
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed[key] = api;
      },
    },
    ipcRenderer: {
      invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: 'from main' } as unknown)),
      on: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
        listeners.push({ channel, listener });
      }),
      removeListener: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
        const index = listeners.findIndex((l) => l.channel === channel && l.listener === listener);
        if (index >= 0) listeners.splice(index, 1);
      }),
    },
  };
});

vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

/** What main's webContents.send(IPC_EVENT_CHANNEL, name, payload) looks like on this side. */
function deliver(name: string, payload: unknown): void {
  const ipcEvent = { sender: { secret: 'ipcRenderer' }, senderId: 0, ports: [] };
  for (const { channel, listener } of [...electron.listeners]) if (channel === IPC_EVENT_CHANNEL) listener(ipcEvent, name, payload);
}

async function loadBridge(): Promise<LatheBridge> {
  await import('../../electron/preload');
  return electron.exposed.lathe as LatheBridge;
}

describe('preload', () => {
  beforeEach(() => {
    electron.ipcRenderer.invoke.mockClear();
    electron.ipcRenderer.on.mockClear();
    electron.ipcRenderer.removeListener.mockClear();
  });

  it('exposes exactly window.lathe with channels, call and on', async () => {
    const bridge = await loadBridge();
    expect(Object.keys(electron.exposed)).toEqual(['lathe']);
    expect(Object.keys(bridge)).toEqual(['channels', 'call', 'on']);
    expect(bridge.channels).toEqual([...CHANNELS]);
  });

  it('refuses unknown channels without touching ipcRenderer', async () => {
    const bridge = await loadBridge();
    const result = await bridge.call('not.a.channel' as never, {} as never);
    expect(result).toEqual({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('unknown channel') } });
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('invokes known channels over IPC with the payload as given', async () => {
    const bridge = await loadBridge();
    await expect(bridge.call('system.info', {})).resolves.toEqual({ ok: true, value: 'from main' });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('system.info', {});
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
  });

  it('turns a broken IPC into an error Result instead of a rejection', async () => {
    const bridge = await loadBridge();
    electron.ipcRenderer.invoke.mockImplementationOnce(() => Promise.reject(new Error("No handler registered for 'system.info'")));
    const result = await bridge.call('system.info', {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('unavailable');
  });

  it('delivers only the payload of the named event, and unsubscribes', async () => {
    const bridge = await loadBridge();
    const listener = vi.fn();
    const off = bridge.on('system.changed', listener);
    const payload = { gpus: [] };
    deliver('system.changed', payload);
    deliver('settings.changed', { theme: 'dark' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);
    off();
    deliver('system.changed', payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(electron.listeners).toHaveLength(0);
  });

  it('ignores unknown events without subscribing or throwing across the bridge', async () => {
    const bridge = await loadBridge();
    const listener = vi.fn();
    const off = bridge.on('bogus' as never, listener);
    expect(typeof off).toBe('function');
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
    deliver('bogus', {});
    expect(listener).not.toHaveBeenCalled();
    expect(() => off()).not.toThrow();
    expect(electron.ipcRenderer.removeListener).not.toHaveBeenCalled();
  });
});
