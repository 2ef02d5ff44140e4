/**
 * Electron hardening, one place (Electron's security checklist, https://www.electronjs.org/docs/latest/tutorial/security):
 * the BrowserWindow webPreferences, the CSP, navigation and window-open guards, permission denial,
 * and the IPC sender check. test/unit/electron-security.test.ts asserts these values.
 */
import path from 'node:path';

export const APP_ORIGIN_PROTOCOL = 'file:';

/** webPreferences for every window (checklist items 2–4, 6, 7). */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

/** The only pages the window may show: the app's own files under rendererDir. */
export function isAppUrl(raw: string, rendererDir: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== APP_ORIGIN_PROTOCOL) return false;
  const file = path.resolve(decodeURIComponent(u.pathname));
  return file === path.resolve(rendererDir) || file.startsWith(path.resolve(rendererDir) + path.sep);
}

/**
 * Electron fuses for the packaged app (electron-builder `electronFuses`, checklist item 19):
 * no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect, cookie encryption on, only the asar
 * integrity-checked app loads.
 */
export const FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;
