#!/usr/bin/env node
// `npm start`: the Electron window when the Electron runtime is installed, else the same app on a
// loopback web host. Never triggers Electron's lazy binary download (require('electron') would).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function electronBinary() {
  const dir = path.join(root, 'node_modules/electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const bin = path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(bin) ? bin : undefined;
}

/** Rebuilds the renderer when any of its sources is newer than the built index.html. */
function ensureRendererBuilt() {
  const built = path.join(root, 'dist/renderer/index.html');
  const newest = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const srcTime = Math.max(newest(path.join(root, 'src/renderer')), newest(path.join(root, 'src/shared')));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= srcTime) return;
  console.log('构建界面 / building the renderer…');
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (args.includes('--help') || args.includes('-h')) {
  const { register } = await import('tsx/esm/api');
  register();
  const { START_HELP } = await import('../src/main/config/options.ts');
  process.stdout.write(START_HELP);
  process.exit(0);
}

ensureRendererBuilt();
const electron = electronBinary();
if (electron && fs.existsSync(path.join(root, 'dist/main/electron-main.cjs'))) {
  const child = spawn(electron, [path.join(root, 'dist/main/electron-main.cjs'), ...args], {
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!electron)
    console.log(
      'Electron 运行时未安装，改用本机网页模式 / Electron runtime not installed: serving on loopback instead',
    );
  const { register } = await import('tsx/esm/api');
  register();
  const { serve } = await import('../src/main/hosts/serve.ts');
  await serve(args);
}
