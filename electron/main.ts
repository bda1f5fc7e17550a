/**
 * The desktop app's composition root: one instance, the app:// scheme, the Lathe core (with its
 * loopback server for the SDK and CLI), the IPC transport and one sandboxed window. Everything
 * else lives in main/ (plain Node) and is shared with `lathe serve`.
 */
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, nativeTheme, protocol, session, shell } from 'electron';
import { createLathe, type Lathe } from '../main/app';
import { redact, type Logger } from '../main/log/logger';
import type { Disposable } from '../main/util/disposable';
import { registerIpc } from './ipc';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  applySecurity,
  cspFor,
  devServerOrigin,
  registerAppScheme,
  serveRenderer,
  webPreferences,
} from './security';

/** electron-vite output: out/main/index.js next to out/preload/index.cjs and out/renderer/. */
const PRELOAD_PATH = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const RENDERER_DIR = fileURLToPath(new URL('../renderer', import.meta.url));
/** The renderer's background (renderer/styles/theme.css --bg), so the window never flashes. */
export const WINDOW_BACKGROUND = { light: '#ffffff', dark: '#1e1f22' } as const;
/** How long quitting waits for the core to stop its processes before leaving anyway. */
const DISPOSE_DEADLINE_MS = 15_000;

let mainWindow: BrowserWindow | null = null;
let starting: Promise<Lathe | null> | null = null;
let ipc: Disposable | null = null;
let quitState: 'running' | 'disposing' | 'done' = 'running';

/** Before the core (and its log file) exists, the only place left to write is stderr; tokens are redacted there too. */
function early(message: string, error?: unknown): void {
  const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : error === undefined ? '' : ` ${String(error)}`;
  process.stderr.write(`${redact(`${new Date().toISOString()} ERROR [lathe.electron] ${message}${detail}`)}\n`);
}

function showMainWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function createMainWindow(url: string, logger: Logger): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Lathe',
    backgroundColor: nativeTheme.shouldUseDarkColors ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    webPreferences: webPreferences(PRELOAD_PATH),
  });
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => logger.error(`the window's renderer is gone (${details.reason})`, details));
  win.loadURL(url).catch((error: unknown) => logger.error(`could not load ${url}`, error));
  return win;
}

async function start(): Promise<Lathe | null> {
  const devOrigin = app.isPackaged ? null : devServerOrigin(process.env.ELECTRON_RENDERER_URL);
  let lathe: Lathe;
  try {
    lathe = await createLathe({
      home: process.env.LATHE_HOME ?? app.getPath('userData'),
      serve: true,
      publish: true /* found by the SDK and `lathe call` */,
    });
  } catch (error) {
    // The message is written for the person (e.g. a damaged metadata store says what to do).
    early('Lathe could not start', error);
    dialog.showErrorBox('Lathe could not start', error instanceof Error ? error.message : String(error));
    quitState = 'done';
    app.exit(1);
    return null;
  }
  const logger = lathe.logger.child('electron');
  if (quitState !== 'running') return lathe; // quit was asked while starting: shutdown() disposes it
  try {
    openDesktop(lathe, logger, devOrigin);
  } catch (error) {
    logger.error('could not open the desktop window', error);
    dialog.showErrorBox('Lathe could not open its window', error instanceof Error ? error.message : String(error));
    app.quit(); // before-quit disposes the core
  }
  return lathe;
}

function openDesktop(lathe: Lathe, logger: Logger, devOrigin: string | null): void {
  const rendererOrigins = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];
  const csp = () => cspFor(lathe.url ? [lathe.url] : [], { devServerOrigin: devOrigin });
  applySecurity({ app, session: session.defaultSession, shell, logger, rendererOrigins, csp });
  serveRenderer(protocol, RENDERER_DIR, csp, logger);
  ipc = registerIpc({ router: lathe.router, bus: lathe.bus, logger, getMainWindow: () => mainWindow, rendererOrigins });
  const entry = devOrigin ? (process.env.ELECTRON_RENDERER_URL as string) : APP_ENTRY_URL;
  createMainWindow(entry, logger);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(entry, logger);
  });
  logger.info(`desktop window opened on ${entry}${lathe.url ? `; loopback server at ${lathe.url}` : ''}`);
}

/** Disposes the core exactly once, even if quitting starts while it is still starting. */
async function shutdown(): Promise<void> {
  const lathe = await (starting ?? Promise.resolve(null)).catch(() => null);
  ipc?.dispose();
  if (!lathe) return;
  const logger = lathe.logger.child('electron');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), DISPOSE_DEADLINE_MS);
  });
  try {
    const outcome = await Promise.race([lathe.dispose().then(() => 'done' as const), deadline]);
    if (outcome === 'late') logger.warn(`the core did not stop within ${DISPOSE_DEADLINE_MS / 1000} s; quitting anyway`);
  } catch (error) {
    logger.error('stopping the core failed', error);
  } finally {
    clearTimeout(timer);
  }
}

function main(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  registerAppScheme(protocol);
  app.on('second-instance', showMainWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    if (quitState === 'done') return;
    event.preventDefault();
    if (quitState === 'disposing') return;
    quitState = 'disposing';
    void shutdown().finally(() => {
      quitState = 'done';
      app.exit(0);
    });
  });
  starting = app.whenReady().then(start, (error: unknown) => {
    early('Electron failed to get ready', error);
    return null;
  });
}

main();
