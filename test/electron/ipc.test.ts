import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { EventBus } from '../../main/api/eventBus';
import { IPC_EVENT_CHANNEL } from '../../main/contract/bridge';
import { CHANNELS } from '../../main/contract/channels';
import { ok } from '../../main/contract/result';
import { recordingLogger } from './fakes';

type InvokeHandler = (event: unknown, payload: unknown) => Promise<unknown>;

const ipcMain = vi.hoisted(() => {
  const handlers = new Map<string, InvokeHandler>();
  return {
    handlers,
    handle: (channel: string, handler: InvokeHandler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
});

vi.mock('electron', () => ({ ipcMain }));

const { registerIpc } = await import('../../electron/ipc');

function frame(url: string, processId = 1, routingId = 1) {
  return { url, processId, routingId };
}

function fakeWindow(url = 'app://lathe/index.html') {
  const mainFrame = frame(url);
  const send = vi.fn();
  const win = {
    isDestroyed: () => false,
    webContents: { isDestroyed: () => false, mainFrame, send },
  };
  return { win: win as unknown as BrowserWindow, mainFrame, send };
}

function setup(url?: string) {
  const { win, mainFrame, send } = fakeWindow(url);
  const router = { call: vi.fn(async (channel: unknown) => ok({ answered: channel })) };
  const bus = new EventBus();
  const logger = recordingLogger();
  const registration = registerIpc({ router, bus, logger, getMainWindow: () => win });
  const invoke = (channel: string, senderFrame: unknown, payload: unknown = {}) =>
    ipcMain.handlers.get(channel)!({ senderFrame, sender: win.webContents }, payload);
  return { win, mainFrame, send, router, bus, logger, registration, invoke };
}

describe('registerIpc', () => {
  beforeEach(() => ipcMain.handlers.clear());

  it('handles every contract channel and nothing else', () => {
    setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('passes calls from our main frame to the router as the UI over IPC', async () => {
    const { invoke, mainFrame, router } = setup();
    await expect(invoke('system.info', mainFrame, { refresh: true })).resolves.toEqual(ok({ answered: 'system.info' }));
    expect(router.call).toHaveBeenCalledWith('system.info', { refresh: true }, { transport: 'ipc', actor: 'ui' });
  });

  it('refuses a subframe, another window and a frame that is gone', async () => {
    const { invoke, router, logger } = setup();
    for (const sender of [frame('app://lathe/index.html', 1, 7), frame('app://lathe/index.html', 2, 1), null]) {
      const result = await invoke('settings.get', sender);
      expect(result).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    }
    expect(router.call).not.toHaveBeenCalled();
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(3);
  });

  it('refuses the main frame once it shows a page that is not ours', async () => {
    const { invoke, router } = setup('https://evil.example.com/');
    const result = await invoke('settings.get', frame('https://evil.example.com/'));
    expect(result).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    expect(router.call).not.toHaveBeenCalled();
  });

  it('answers internal instead of rejecting when the router throws', async () => {
    const { invoke, mainFrame, router } = setup();
    router.call.mockRejectedValueOnce(new Error('boom'));
    await expect(invoke('app.info', mainFrame)).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('forwards bus events to the main window as (name, payload)', () => {
    const { bus, send } = setup();
    const entry = { id: 1, at: '2024-01-01T00:00:00Z', actor: 'ui', action: 'settings.update', subject: 'settings', detail: null };
    bus.emit('events.changed', entry as never);
    expect(send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'events.changed', entry);
  });

  it('does not forward events to a window showing a foreign page', () => {
    const { bus, send } = setup('https://evil.example.com/');
    bus.emit('settings.changed', {} as never);
    expect(send).not.toHaveBeenCalled();
  });

  it('removes its handlers and bus subscription on dispose', () => {
    const { registration, bus } = setup();
    expect(bus.size).toBe(1);
    void registration.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(bus.size).toBe(0);
  });
});
