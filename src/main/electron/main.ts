/**
 * The Electron main process: the same app as the web host (src/main/app.ts), served over IPC to a
 * hardened window. Only this folder and src/preload import `electron`.
 */
import {
  app as electronApp,
  BrowserWindow,
  ipcMain,
  session,
  safeStorage,
  type IpcMainInvokeEvent,
} from 'electron';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startApp, type CardTillApp } from '../app';
import { parseStartOptions } from '../config/options';
import { loadConfig } from '../config/config';
import { contentSecurityPolicy } from '../hosts/csp';
import { secureWebPreferences, isAppUrl } from './security';
import type { KeySecret } from '../keys/secret';

const ROOT = path.resolve(__dirname, '..', '..');
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const PRELOAD = path.join(ROOT, 'dist', 'preload', 'preload.cjs');

/**
 * The key-file secret under the OS keychain (safeStorage). On Linux, safeStorage's 'basic_text'
 * backend is a hard-coded password, not a secret store: refuse it and ask for a passphrase instead.
 */
function safeStorageSecret(dataDir: string): KeySecret | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
    return undefined;
  const file = path.join(dataDir, 'keys', 'safe-storage-secret.bin');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, safeStorage.encryptString(randomBytes(32).toString('hex')), { mode: 0o600 });
  }
  return { kind: 'safeStorage', secret: safeStorage.decryptString(fs.readFileSync(file)) };
}

async function createWindow(core: CardTillApp): Promise<void> {
  const win = new BrowserWindow({
    width: 1366,
    height: 860,
    show: false,
    webPreferences: secureWebPreferences(PRELOAD),
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, RENDERER_DIR)) e.preventDefault();
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  core.bus.on('event', (event, payload) => {
    if (!win.isDestroyed()) win.webContents.send('till:event', { event, payload });
  });
  win.once('ready-to-show', () => win.show());
  await win.loadFile(path.join(RENDERER_DIR, 'index.html'));
}

async function main(): Promise<void> {
  const opts = parseStartOptions(process.argv.slice(2));
  await electronApp.whenReady();
  const dataDir = path.resolve(opts.dataDir ?? path.join(electronApp.getPath('userData'), 'terminal'));
  // A passphrase in the variable the config names (as the CLI and the web host read it) wins;
  // otherwise the OS keystore seals the key (safeStorage).
  const envName = loadConfig(opts.config).config.keyPassphraseEnv;
  const secret = process.env[envName] ? undefined : safeStorageSecret(dataDir);
  const core = await startApp({ dataDir, configFile: opts.config, keySecret: secret });

  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] },
    });
  });

  ipcMain.handle(
    'till:call',
    async (event: IpcMainInvokeEvent, msg: { method?: unknown; params?: unknown }) => {
      // Every sender's frame must be our own page (checklist item 17).
      const frameUrl = event.senderFrame?.url ?? '';
      if (!isAppUrl(frameUrl, RENDERER_DIR))
        return { id: 0, ok: false, error: { code: 'FORBIDDEN', message: 'unknown sender' } };
      return core.dispatch(0, typeof msg?.method === 'string' ? msg.method : '', msg?.params);
    },
  );

  await createWindow(core);
  electronApp.on('window-all-closed', () => {
    void core.close().then(() => electronApp.quit());
  });
}

electronApp.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

void main();
