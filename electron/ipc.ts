/**
 * The IPC transport: one `ipcMain.handle` per contract channel, each a thin adapter over the
 * router, answering only our own main frame; and the event bus forwarded to the main window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import type { EventBus } from '../main/api/eventBus';
import type { Router } from '../main/api/router';
import { IPC_EVENT_CHANNEL } from '../main/contract/bridge';
import { CHANNELS, type Channel } from '../main/contract/channels';
import { fail, type Result } from '../main/contract/result';
import type { Logger } from '../main/log/logger';
import type { Disposable } from '../main/util/disposable';
import { APP_ORIGIN, navigationVerdict } from './security';

export interface IpcOptions {
  router: Pick<Router, 'call'>;
  bus: Pick<EventBus, 'onEvent'>;
  logger: Logger;
  getMainWindow: () => BrowserWindow | null;
  /** Origins our renderer is served from; default only app://lathe (plus the dev server in dev). */
  rendererOrigins?: readonly string[];
}

function liveWindow(getMainWindow: () => BrowserWindow | null): BrowserWindow | null {
  const win = getMainWindow();
  return win && !win.isDestroyed() && !win.webContents.isDestroyed() ? win : null;
}

function sameFrame(a: WebFrameMain, b: WebFrameMain): boolean {
  return a === b || (a.processId === b.processId && a.routingId === b.routingId);
}

/**
 * Whether an IPC message comes from the main window's top frame showing our renderer. Subframes,
 * other windows and frames that navigated elsewhere are refused.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  win: BrowserWindow | null,
  rendererOrigins: readonly string[] = [APP_ORIGIN],
): boolean {
  const frame = event.senderFrame;
  if (!frame || !win) return false;
  const main = win.webContents.mainFrame;
  return sameFrame(frame, main) && navigationVerdict(frame.url, rendererOrigins) === 'allow';
}

export function registerIpc(options: IpcOptions): Disposable {
  const { router, bus, logger, getMainWindow } = options;
  const origins = options.rendererOrigins ?? [APP_ORIGIN];

  const handle = async (channel: Channel, event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event, liveWindow(getMainWindow), origins)) {
      const from = event.senderFrame?.url ?? 'a frame that is gone';
      logger.warn(`refused ${channel} from ${from.slice(0, 200)}`);
      return fail('permission-denied', `${channel} may only be called by Lathe's own window`);
    }
    try {
      return await router.call(channel, payload, { transport: 'ipc', actor: 'ui' });
    } catch (error) {
      logger.error(`unexpected failure in ${channel}`, error);
      return fail('internal', `${channel} failed unexpectedly; the details are in Lathe's log`);
    }
  };
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => handle(channel, event, payload));
  }

  const subscription = bus.onEvent((name, payload) => {
    const win = liveWindow(getMainWindow);
    if (!win || navigationVerdict(win.webContents.mainFrame.url, origins) !== 'allow') return;
    try {
      win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    } catch (error) {
      logger.warn(`could not forward ${name} to the window`, error);
    }
  });

  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      void subscription.dispose();
      for (const channel of CHANNELS) ipcMain.removeHandler(channel);
    },
  };
}
