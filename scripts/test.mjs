#!/usr/bin/env node
// `npm test`: builds the renderer (the end-to-end tests drive the built app through the web host),
// then runs every test — unit, integration on real stacks, fault, end-to-end — in one vitest run.
import { spawnSync } from 'node:child_process';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)]);
