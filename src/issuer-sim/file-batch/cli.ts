/**
 * `cardtill issuer-sim --protocol file-batch --dir D`: the back office of a file-batch issuer,
 * standalone (src/cli/commands/issuer-sim.ts hands over here). It keeps its ledger and SM2 key in
 * `<data-dir>/issuer-sim/` (a simulator, not an HSM), seeds the mart demo cards, publishes the
 * signed hot list and balance snapshot into D, and applies and acknowledges every terminal
 * transaction file it finds there — once with `--once`, else every `--interval` seconds until
 * SIGINT/SIGTERM (lists published again after each acknowledgement, so balances follow).
 *
 *   --issuer-id ID        the id the terminals' config gives this issuer (default mart)
 *   --terminal-key T:V:KEY[,…]  terminal T's public key of version V: 04… hex, or @FILE holding the
 *                         PEM that `cardtill keys public` prints
 *   --valid-hours H       how long a published list is valid (default 24)
 */
import fs from 'node:fs';
import path from 'node:path';
import { sm2GenerateKeyPair, sm2PublicKeyFromPem, toHex, fromHex } from '../../shared/crypto';
import { IssuerLedger } from '../ledger';
import { FileBatchBackOffice } from './back-office';

interface Ctx {
  dataDir: string;
  args: string[];
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function issuerKey(dir: string): string {
  const file = path.join(dir, 'file-batch-key.json');
  if (fs.existsSync(file))
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { privateKey: string }).privateKey;
  const kp = sm2GenerateKeyPair();
  fs.writeFileSync(
    file,
    JSON.stringify({ privateKey: toHex(kp.privateKey), publicKey: toHex(kp.publicKey) }),
    {
      mode: 0o600,
    },
  );
  return toHex(kp.privateKey);
}

/** Parses `T0000001:1:04ab…,T0000002:1:@t2.pem`; throws on a malformed entry. */
export function parseTerminalKeys(s: string | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const part of (s ?? '').split(',').filter(Boolean)) {
    const m = /^([A-Za-z0-9]{1,16}):(\d{1,7}):(04[0-9a-fA-F]{128}|@.+)$/.exec(part);
    if (!m)
      throw new Error(
        `--terminal-key ${part.slice(0, 30)}…: expected <terminal>:<version>:<04… hex | @PEM file>`,
      );
    const key = m[3]!.startsWith('@')
      ? sm2PublicKeyFromPem(fs.readFileSync(m[3]!.slice(1), 'utf8'))
      : fromHex(m[3]!);
    out.set(`${m[1]}:${Number(m[2])}`, key);
  }
  return out;
}

export async function runFileBatchSim(ctx: Ctx): Promise<number> {
  const dir = flag(ctx.args, 'dir');
  if (!dir) {
    console.error('issuer-sim --protocol file-batch: --dir D (the exchange directory) is required');
    return 2;
  }
  let keys: Map<string, Uint8Array>;
  try {
    keys = parseTerminalKeys(flag(ctx.args, 'terminal-key'));
  } catch (e) {
    console.error(`issuer-sim: ${(e as Error).message}`);
    return 2;
  }
  const validForMs = Number(flag(ctx.args, 'valid-hours') ?? 24) * 3600_000;
  const intervalMs = Number(flag(ctx.args, 'interval') ?? 10) * 1000;
  if (!(validForMs > 0) || !(intervalMs > 0)) {
    console.error('issuer-sim: --valid-hours and --interval must be positive numbers');
    return 2;
  }
  const simDir = path.resolve(ctx.dataDir, 'issuer-sim');
  fs.mkdirSync(simDir, { recursive: true, mode: 0o700 });
  const ledger = new IssuerLedger(path.join(simDir, 'file-batch.db'));
  const bo = new FileBatchBackOffice({
    dir: path.resolve(dir),
    issuerId: flag(ctx.args, 'issuer-id') ?? 'mart',
    ledger,
    privateKeyHex: issuerKey(simDir),
    terminalKey: (t, v) => keys.get(`${t}:${v}`),
    log: (l) => console.log(l),
  });
  bo.seedMartCards();
  const publish = () => {
    bo.publishHotlist({ validForMs });
    bo.publishBalances({ validForMs });
  };
  const round = () => {
    const r = bo.processTransactionFiles();
    if (r.acknowledged.length) publish();
    return r;
  };
  publish();
  console.log(JSON.stringify({ protocol: 'file-batch', dir: path.resolve(dir), publicKey: bo.publicKeyHex }));
  if (ctx.args.includes('--once')) {
    console.log(JSON.stringify(round()));
    ledger.close();
    return 0;
  }
  const timer = setInterval(round, intervalMs);
  const republish = setInterval(publish, Math.max(validForMs / 2, intervalMs));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  clearInterval(republish);
  ledger.close();
  return 0;
}
