import { it } from 'vitest';
import fs from 'node:fs';
import { execSync } from 'node:child_process';
import { startTestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
it('dbg', async () => {
  const t = await startTestApp({});
  await t.signIn();
  try { await t.call('card.topup', { cardToken: await t.card(demoCard('shelf1').pan), valueFen: 1000 }); } catch (e) { console.log(String(e)); }
  console.log(execSync(`grep -r "internal error" -A8 ${t.dataDir} || true`).toString().slice(0, 3000));
  await t.close();
});
