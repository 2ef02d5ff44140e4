/**
 * Electron's security checklist, asserted. The Electron binary cannot run on these machines, so the
 * settings are checked as values (webPreferences, fuses, URL guard) and the wiring as source.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import { secureWebPreferences, isAppUrl, FUSES } from '../../src/main/electron/security';
import { contentSecurityPolicy } from '../../src/main/hosts/csp';

const main = fs.readFileSync('src/main/electron/main.ts', 'utf8');
const preload = fs.readFileSync('src/preload/preload.ts', 'utf8');

describe('Electron hardening', () => {
  it('isolates and sandboxes the renderer', () => {
    const wp = secureWebPreferences('/x/preload.cjs');
    expect(wp).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('allows navigation only to the app’s own files, checked with a URL parser', () => {
    expect(isAppUrl('file:///opt/cardtill/dist/renderer/index.html', '/opt/cardtill/dist/renderer')).toBe(
      true,
    );
    expect(
      isAppUrl('file:///opt/cardtill/dist/renderer/../../../etc/passwd', '/opt/cardtill/dist/renderer'),
    ).toBe(false);
    expect(
      isAppUrl('file:///opt/cardtill/dist/renderer-evil/index.html', '/opt/cardtill/dist/renderer'),
    ).toBe(false);
    expect(isAppUrl('https://evil.example/', '/opt/cardtill/dist/renderer')).toBe(false);
    expect(isAppUrl('javascript:alert(1)', '/opt/cardtill/dist/renderer')).toBe(false);
    expect(isAppUrl('not a url', '/opt/cardtill/dist/renderer')).toBe(false);
  });

  it('has a strict CSP: scripts only from the app itself', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(fs.readFileSync('src/renderer/index.html', 'utf8')).toContain("script-src 'self'");
  });

  it('wires the guards: window.open denied, navigation checked, permissions denied, IPC senders checked', () => {
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toMatch(/will-navigate[\s\S]*isAppUrl/);
    expect(main).toMatch(/setPermissionRequestHandler\(\(_wc, _perm, cb\) => cb\(false\)\)/);
    expect(main).toMatch(/senderFrame[\s\S]*isAppUrl\(frameUrl/);
    expect(main).toMatch(/will-attach-webview/);
    expect(main).not.toMatch(/openExternal/);
    expect(main).toMatch(/basic_text/);
  });

  it('reads the key passphrase from the variable the config names, like the CLI and the web host', () => {
    expect(main).toMatch(/process\.env\[envName\]/);
    expect(main).toMatch(/envName = loadConfig\([^)]*\)\.config\.keyPassphraseEnv/);
    expect(main).not.toMatch(/process\.env\.CARDTILL_KEY_PASSPHRASE/);
  });

  it('exposes a purpose-built bridge, never ipcRenderer itself', () => {
    expect(preload).toMatch(/exposeInMainWorld\('till', till\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('packages with the hardening fuses, the same in code and in electron-builder.yml', () => {
    const yml = fs.readFileSync('electron-builder.yml', 'utf8');
    for (const [fuse, value] of Object.entries(FUSES))
      expect(yml).toMatch(new RegExp(`\\b${fuse}: ${value}\\b`));
    expect(FUSES.runAsNode).toBe(false);
    expect(FUSES.onlyLoadAppFromAsar).toBe(true);
    expect(yml).toMatch(/asarUnpack:[\s\S]*\*\*\/\*\.node/);
  });

  it('keeps electron imports to src/main/electron and src/preload', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(p);
        else if (
          /\.(ts|tsx)$/.test(e.name) &&
          !p.startsWith('src/main/electron') &&
          !p.startsWith('src/preload') &&
          /from 'electron'/.test(fs.readFileSync(p, 'utf8'))
        )
          offenders.push(p);
      }
    };
    walk('src');
    expect(offenders).toEqual([]);
  });
});
