/**
 * `npm start` without the Electron runtime: start the app and serve it on 127.0.0.1, print the URL,
 * and open Chromium in app mode when there is one and a display to show it on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startApp } from '../app';
import { startWebHost } from './web-host';
import { parseStartOptions, START_HELP } from '../config/options';
import { ConfigError } from '../config/config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export async function serve(argv: string[]): Promise<void> {
  const opts = parseStartOptions(argv);
  if (opts.help) {
    process.stdout.write(START_HELP);
    return;
  }
  const dataDir = path.resolve(
    opts.dataDir ??
      (opts.config
        ? 'cardtill-data'
        : fs.mkdtempSync(path.join(os.tmpdir(), `cardtill-demo-${new Date().toISOString().slice(0, 10)}-`))),
  );
  let app;
  try {
    app = await startApp({ dataDir, configFile: opts.config, echoLog: false });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`配置错误 / Configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const host = await startWebHost(app, { port: opts.port, staticDir: path.join(ROOT, 'dist/renderer') });
  console.log(`CardTill ${app.demo ? '演示模式 / demo mode' : ''}`);
  console.log(`  数据目录 data dir : ${dataDir}`);
  if (app.issuerSim) console.log(`  演示发卡方 issuer : ${app.issuerSim.url}`);
  // Demo mode's other issuers (the ISO 8583 face on the same ledger, its own card range).
  if (app.issuerSim)
    for (const e of (app.config.issuers ?? []).slice(1))
      console.log(
        `  演示发卡方 issuer : ${e.url} (${e.protocol}, ${e.cardRanges.map((r) => (typeof r === 'string' ? r : r.range)).join(' ')})`,
      );
  console.log(`  打开 open         : ${host.appUrl}`);
  console.log(`  (the token is also in ${path.join(dataDir, 'run/web-host.json')}; docs/api.md)`);

  const chromium = CHROMIUM.find((p) => fs.existsSync(p));
  if (opts.open && chromium && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    const child = spawn(
      chromium,
      [
        `--app=${host.appUrl}`,
        `--user-data-dir=${path.join(dataDir, 'chromium-profile')}`,
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      {
        stdio: 'ignore',
        detached: true,
      },
    );
    child.on('error', (e) => console.log(`  (could not open Chromium: ${e.message})`));
    child.unref();
  } else if (opts.open) {
    console.log('  (no browser opened: no Chromium or no display — open the URL above)');
  }

  const shutdown = async () => {
    await host.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
