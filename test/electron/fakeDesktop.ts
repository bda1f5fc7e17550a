/**
 * A recording stand-in for the 'electron' module (and the core) as electron/main.ts uses them.
 * main.test.ts resets modules and imports this afresh, so every test gets new fakes.
 */
import { vi } from 'vitest';
import { FakeEmitter, recordingLogger } from './fakes';

let resolveReady: () => void = () => undefined;
const ready = new Promise<void>((resolve) => (resolveReady = resolve));

export const calls: string[] = [];

class FakeApp extends FakeEmitter {
  isPackaged = false;
  lock = true;
  requestSingleInstanceLock = vi.fn(() => (calls.push('requestSingleInstanceLock'), this.lock));
  enableSandbox = vi.fn(() => void calls.push('enableSandbox'));
  whenReady = vi.fn(() => ready);
  getPath = vi.fn((name: string) => `/fake/${name}`);
  quit = vi.fn(() => {
    calls.push('quit');
    const event = { preventDefault: vi.fn() };
    this.emit('before-quit', event);
  });
  exit = vi.fn((code: number) => void calls.push(`exit ${code}`));
}

export const app = new FakeApp();
export function becomeReady(): void {
  calls.push('ready');
  resolveReady();
}

export const windows: FakeWindow[] = [];

export class FakeWindow extends FakeEmitter {
  static getAllWindows = () => windows.filter((w) => !w.destroyed);
  destroyed = false;
  readonly webContents = Object.assign(new FakeEmitter(), {
    isDestroyed: () => this.destroyed,
    mainFrame: { url: 'app://lathe/index.html', processId: 1, routingId: 1 },
    send: vi.fn(),
    setWindowOpenHandler: vi.fn(),
  });
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  isMinimized = () => false;
  isDestroyed = () => this.destroyed;
  loadURL = vi.fn(() => Promise.resolve());
  constructor(readonly options: Record<string, unknown>) {
    super();
    windows.push(this);
  }
}

export const dialog = { showErrorBox: vi.fn() };
export const shell = { openExternal: vi.fn(() => Promise.resolve()) };
export const protocol = {
  registerSchemesAsPrivileged: vi.fn(() => void calls.push('registerSchemesAsPrivileged')),
  handle: vi.fn(),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  },
};
export const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };

/** The core as createLathe returns it. */
export const lathe = {
  url: 'http://127.0.0.1:4321' as string | null,
  router: { call: vi.fn() },
  bus: { onEvent: vi.fn(() => ({ dispose: vi.fn() })) },
  logger: recordingLogger(),
  dispose: vi.fn(async () => void calls.push('dispose')),
};
export const createLathe = vi.fn(async (_options: unknown) => lathe as unknown);
