import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FakeDesktop from './fakeDesktop';

type Desktop = typeof FakeDesktop;

// Mocked modules are cached across vi.resetModules(), so they read the current fakes through
// getters; each test loads fresh fakes and a fresh electron/main.ts.
const holder = vi.hoisted(() => ({ current: null as Desktop | null }));
const current = (): Desktop => holder.current as Desktop;

vi.mock('electron', () => ({
  get app() { return current().app; },
  get BrowserWindow() { return current().FakeWindow; },
  get dialog() { return current().dialog; },
  get shell() { return current().shell; },
  get protocol() { return current().protocol; },
  get session() { return current().session; },
  get ipcMain() { return current().ipcMain; },
  nativeTheme: { shouldUseDarkColors: false },
}));
vi.mock('../../main/app', () => ({ createLathe: (options: unknown) => current().createLathe(options) }));

async function freshFakes(): Promise<Desktop> {
  vi.resetModules();
  holder.current = await import('./fakeDesktop');
  return holder.current;
}

/** Loads electron/main.ts on fresh fakes (it composes the app on import) and lets it get ready. */
async function launch(options: { lock?: boolean; ready?: boolean } = {}): Promise<Desktop> {
  const desktop = await freshFakes();
  desktop.app.lock = options.lock ?? true;
  await import('../../electron/main');
  if (options.ready ?? true) {
    desktop.becomeReady();
    await vi.waitFor(() => expect(desktop.windows.length + desktop.dialog.showErrorBox.mock.calls.length).toBeGreaterThan(0));
  }
  return desktop;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('electron/main', () => {
  const env = { ...process.env };
  let stderr: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    delete process.env.ELECTRON_RENDERER_URL;
    process.env.LATHE_HOME = '/fake/lathe-home';
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    process.env = { ...env };
    stderr.mockRestore();
  });

  it('takes the single-instance lock and registers app:// before ready', async () => {
    const desktop = await launch({ ready: false });
    expect(desktop.calls).toEqual(['requestSingleInstanceLock', 'enableSandbox', 'registerSchemesAsPrivileged']);
  });

  it('quits at once when another instance holds the lock', async () => {
    const desktop = await launch({ lock: false, ready: false });
    desktop.becomeReady();
    await settle();
    expect(desktop.app.quit).toHaveBeenCalled();
    expect(desktop.protocol.registerSchemesAsPrivileged).not.toHaveBeenCalled();
    expect(desktop.createLathe).not.toHaveBeenCalled();
  });

  it('starts the core with its loopback server and opens one sandboxed window on app://lathe', async () => {
    const desktop = await launch();
    expect(desktop.createLathe).toHaveBeenCalledWith({ home: '/fake/lathe-home', serve: true, publish: true });
    expect(desktop.windows).toHaveLength(1);
    const win = desktop.windows[0]!;
    expect(win.options).toMatchObject({ width: 1280, height: 800, show: false, title: 'Lathe' });
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.loadURL).toHaveBeenCalledWith('app://lathe/index.html');
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
    expect(desktop.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(desktop.ipcMain.handle).toHaveBeenCalledWith('system.info', expect.any(Function));
    expect(desktop.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
  });

  it("uses the user-data folder when LATHE_HOME is not set", async () => {
    delete process.env.LATHE_HOME;
    const desktop = await launch();
    expect(desktop.createLathe).toHaveBeenCalledWith({ home: '/fake/userData', serve: true, publish: true });
  });

  it('loads the electron-vite dev server in development', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    const desktop = await launch();
    expect(desktop.windows[0]!.loadURL).toHaveBeenCalledWith('http://localhost:5173');
  });

  it('shows the reason and quits when the core cannot start', async () => {
    const fresh = await freshFakes();
    fresh.createLathe.mockRejectedValueOnce(
      new Error('the metadata store at /fake/lathe.db is damaged; move it aside and restart Lathe'),
    );
    await import('../../electron/main');
    fresh.becomeReady();
    await vi.waitFor(() => expect(fresh.app.exit).toHaveBeenCalledWith(1));
    expect(fresh.dialog.showErrorBox).toHaveBeenCalledWith(
      'Lathe could not start',
      'the metadata store at /fake/lathe.db is damaged; move it aside and restart Lathe',
    );
    expect(fresh.windows).toHaveLength(0);
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('Lathe could not start'));
  });

  it('redacts tokens from what it writes to stderr before the core exists', async () => {
    const fresh = await freshFakes();
    fresh.createLathe.mockRejectedValueOnce(new Error('could not reach http://127.0.0.1:8123/?token=s3cr3t-t0ken-value'));
    await import('../../electron/main');
    fresh.becomeReady();
    await vi.waitFor(() => expect(fresh.app.exit).toHaveBeenCalledWith(1));
    const written = (stderr.mock.calls as unknown[][]).map((call) => String(call[0])).join('');
    expect(written).toContain('Lathe could not start');
    expect(written).toContain('?token=[redacted]');
    expect(written).not.toContain('s3cr3t-t0ken-value');
  });

  it('disposes the core exactly once before exiting, however often quit is asked', async () => {
    const desktop = await launch();
    const first = { preventDefault: vi.fn() };
    const second = { preventDefault: vi.fn() };
    desktop.app.emit('before-quit', first);
    desktop.app.emit('before-quit', second);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(second.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(desktop.app.exit).toHaveBeenCalledWith(0));
    expect(desktop.lathe.dispose).toHaveBeenCalledTimes(1);
    expect(desktop.calls.slice(-2)).toEqual(['dispose', 'exit 0']);
    expect(desktop.ipcMain.removeHandler).toHaveBeenCalledWith('system.info');
  });

  it('disposes a core that finishes starting after quit was asked, without opening a window', async () => {
    const desktop = await launch({ ready: false });
    const quitEarly = { preventDefault: vi.fn() };
    desktop.app.emit('before-quit', quitEarly);
    expect(quitEarly.preventDefault).toHaveBeenCalled();
    desktop.becomeReady();
    await vi.waitFor(() => expect(desktop.app.exit).toHaveBeenCalledWith(0));
    expect(desktop.lathe.dispose).toHaveBeenCalledTimes(1);
    expect(desktop.windows).toHaveLength(0);
  });

  it.skipIf(process.platform === 'darwin')('quits when the last window closes (except on macOS)', async () => {
    const desktop = await launch();
    desktop.app.emit('window-all-closed');
    expect(desktop.app.quit).toHaveBeenCalled();
  });
});
