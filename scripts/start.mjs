// Picks how to show Lathe: Electron if its binary exists, else `lathe serve` + a browser --app window.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function electronBinary() {
  try {
    const file = path.join(root, 'node_modules', 'electron', 'path.txt');
    const bin = path.join(root, 'node_modules', 'electron', 'dist', fs.readFileSync(file, 'utf8').trim());
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function findBrowser() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  return null;
}

/** Opens the UI with a one-time launch code: the token itself never appears in a command line. */
async function openWindow(url, token, onExit) {
  const app = findBrowser();
  if (!app || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux')) {
    console.log('No browser window available: open the URL above in a browser.');
    return null;
  }
  const launch = await fetch(`${url}/api/session/launch-url`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (!launch.ok) throw new Error(`the server answered ${launch.status}`);
  const launchUrl = (await launch.json()).url;
  // The window's browser profile lives in the data folder the server actually uses.
  const info = await fetch(`${url}/api/call/app.info`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  }).then((res) => res.json());
  if (!info.ok) throw new Error(info.error.message);
  const profile = path.join(info.value.home, 'browser-profile');
  const flags = [`--app=${launchUrl}`, `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1280,800'];
  if (process.getuid?.() === 0) flags.push('--no-sandbox', '--test-type'); // root has no sandbox; --test-type drops the warning bar
  console.log(`Electron is not installed here: opening Lathe in ${path.basename(app)} (browser mode).`);
  const browser = spawn(app, flags, { stdio: 'ignore' });
  browser.on('exit', onExit);
  return browser;
}

/**
 * Whether Electron can run the core here. better-sqlite3 is compiled for one ABI: Node's (for
 * `lathe serve` and the tests) or Electron's. Answers null when it can, else the reason.
 */
function electronProblem(bin) {
  const probe = spawnSync(bin, ['-e', "require('better-sqlite3')(':memory:').close()"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.status === 0) return null;
  if (/NODE_MODULE_VERSION/.test(probe.stderr ?? '')) {
    return 'better-sqlite3 is built for Node rather than Electron. To use the desktop app run\n' +
      '  npx electron-builder install-app-deps   (and `npm rebuild better-sqlite3` to go back to Node for tests)';
  }
  const why = probe.error?.message ?? (probe.stderr || `exit code ${probe.status}`).trim().split('\n').slice(-3).join('\n  ');
  return `Electron does not run here:\n  ${why}`;
}

let electron = electronBinary();
const problem = electron ? electronProblem(electron) : null;
if (problem) {
  console.log(`Electron is installed, but ${problem}\nOpening browser mode instead.`);
  electron = null;
}
if (electron) {
  const child = spawn(electron, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const server = spawn(process.execPath, [path.join(root, 'bin', 'lathe.js'), 'serve', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let browser = null;
  let opening = false;
  const stop = () => {
    browser?.kill('SIGTERM');
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
  let buffered = '';
  server.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    buffered += chunk.toString();
    const match = buffered.match(/running at (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\w+)/);
    if (!match || opening) return;
    opening = true;
    openWindow(match[1], match[2], () => server.kill('SIGTERM'))
      .then((window) => (browser = window))
      .catch((error) => console.error(`Could not open a window (${error.message}): open the URL above.`));
  });
}
