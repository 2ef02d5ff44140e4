/**
 * The fault tests' terminal: the app's own composition (src/main/core.ts createCore) — same
 * store, terminal, offline queue, forwarder, job queue, ShiftService, timers and close() — with
 * what a host decides handed in: keys from hex (no scrypt-sealed key files, so a crash-loop
 * restart costs milliseconds), an issuer verifier on noble's base table, no devices, a log that
 * stays in memory. The fault tests start it many times — the crash loop once per kill, the
 * link-fault test once per simulated terminal.
 */
import { enrolTerminal } from '../../src/main/issuer/enrol';
import { createCore, type CardTillCore } from '../../src/main/core';
import { TerminalConfig } from '../../src/main/config/config';
import { createEventLog } from '../../src/main/log';
import type { Terminal } from '../../src/main/terminal/terminal';
import type { TxnStore } from '../../src/main/terminal/txn-store';
import type { VoidRefund } from '../../src/main/terminal/void-refund';
import type { OfflineStore } from '../../src/offline-queue/store';
import type { Forwarder } from '../../src/offline-queue/forwarder';
import type { OfflineConfig } from '../../src/offline-queue/config';
import type { JobQueue } from '../../src/main/jobs/queue';
import { randomBytes, scryptSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sm2Verifier, sm2Signer, sm2GenerateKeyPair, sm3, fromHex, toHex } from '../../src/shared/crypto';
import { sm4PinKey } from '../../src/shared/pin-key';
import { sm2Z, encodeSignature, decodeSignature } from '../../src/shared/crypto/sm2';
import { Sm2Point, N } from '../../src/shared/crypto/sm2-curve';
import type { TerminalKeys } from '../../src/main/keys/terminal-keys';
import type { Db } from '../../src/shared/store/sqlite';
import type { DeviceHub } from '../../src/main/devices/device-hub';

export interface CoreSpec {
  dataDir: string;
  terminalId: string;
  merchantId?: string;
  issuerUrl: string;
  /** The issuer's backup host (docs/issuer-protocol.md "Failover rules"). */
  issuerBackupUrl?: string;
  issuerPublicKeyHex: string;
  privateKeyHex: string;
  dataKeyHex: string;
  timeoutMs: number;
  attempts: number;
  offline?: Partial<OfflineConfig>;
  log?: (line: string) => void;
  /** 'quick' (default): cheap to start, for short-lived processes; 'production': the app's SM2 tables. */
  crypto?: 'quick' | 'production';
  /** The devices (default none); the chip crash test hands in its e-purse reader and PSAM. */
  devices?: DeviceHub;
  /** The issuer entry says `epurse` (PBOC e-purse cards pay on the chip). */
  epurse?: boolean;
}

export interface Core {
  /** The whole core as the app builds it. */
  core: CardTillCore;
  terminal: Terminal;
  store: TxnStore;
  offline: OfflineStore;
  forwarder: Forwarder;
  jobs: JobQueue;
  /** Voids (online, or queued behind an offline sale) with the app's VoidRefund. */
  voids: VoidRefund;
  link: CardTillCore['link'];
  db: Db;
  close(): Promise<void>;
}

/** The fault tests' manager: voids carry this PIN as their override (the app's real check). */
export const FAULT_MANAGER = { operatorId: '2001', pin: '8888' };

export function newKeyHex(): { privateKeyHex: string; dataKeyHex: string } {
  return {
    privateKeyHex: toHex(sm2GenerateKeyPair().privateKey),
    dataKeyHex: toHex(sm2GenerateKeyPair().privateKey),
  };
}

const mod = (x: bigint) => ((x % N) + N) % N;
function modInv(a: bigint): bigint {
  let [r0, r1, t0, t1]: bigint[] = [N, mod(a), 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return mod(t0);
}

/**
 * GB/T 32918.2 §6.1 signing on @noble/curves' own base-point table (~70 ms to build) instead of the
 * production comb (~350 ms): a crash-loop restart must be cheap. Same signatures — the parent
 * verifies every journal record with the production verifier.
 */
function quickSigner(privateKeyHex: string): { publicKey: Uint8Array; sign(msg: Uint8Array): Uint8Array } {
  const d = BigInt(`0x${privateKeyHex}`);
  const publicKey = Sm2Point.BASE.multiply(d).toBytes(false);
  const z = sm2Z(publicKey);
  const dInv1 = modInv(1n + d);
  return {
    publicKey,
    sign(msg) {
      const e = BigInt(`0x${toHex(sm3(new Uint8Array([...z, ...msg])))}`);
      for (;;) {
        const k = mod(BigInt(`0x${randomBytes(40).toString('hex')}`));
        if (k === 0n) continue;
        const r = mod(e + Sm2Point.BASE.multiply(k).toAffine().x);
        if (r === 0n || r + k === N) continue;
        const s = mod(dInv1 * (k - r * d));
        if (s !== 0n) return encodeSignature(r, s);
      }
    },
  };
}

/** §7.1 verification on noble's base table: the production verifier would build the 0.35 s comb. */
function quickVerifier(publicKeyHex: string): { verify(msg: Uint8Array, derSig: Uint8Array): boolean } {
  const P = Sm2Point.fromHex(publicKeyHex);
  const z = sm2Z(fromHex(publicKeyHex));
  return {
    verify(msg, derSig) {
      const rs = decodeSignature(derSig);
      if (!rs) return false;
      const e = BigInt(`0x${toHex(sm3(new Uint8Array([...z, ...msg])))}`);
      const t = mod(rs.r + rs.s);
      if (t === 0n) return false;
      const R = Sm2Point.BASE.multiplyUnsafe(rs.s).add(P.multiplyUnsafe(t));
      return mod(e + R.toAffine().x) === rs.r;
    },
  };
}

export function keysFromHex(
  privateKeyHex: string,
  dataKeyHex: string,
  crypto: 'quick' | 'production' = 'quick',
  /** Where the receipt key the enrolment answer carries is kept across restarts (test keys only). */
  receiptKeyFile?: string,
): TerminalKeys {
  const signer = crypto === 'quick' ? quickSigner(privateKeyHex) : sm2Signer(fromHex(privateKeyHex));
  const publicKey = signer.publicKey;
  let verifier: ReturnType<typeof sm2Verifier> | undefined; // built on first use: ~0.2 s per key
  // Kept across restarts like the app's sealed receipt-key file, so a restart does not enrol again
  // (an enrolment makes the issuer-sim rebuild its verifier for the key: ~0.3 s each life).
  let receiptKey =
    receiptKeyFile && fs.existsSync(receiptKeyFile)
      ? fromHex(fs.readFileSync(receiptKeyFile, 'utf8'))
      : undefined;
  // The PIN key from the same answer, kept beside it (else every restart would enrol again).
  const pinKeyFile = receiptKeyFile && `${receiptKeyFile}.pin`;
  let pinKey =
    pinKeyFile && fs.existsSync(pinKeyFile) ? fromHex(fs.readFileSync(pinKeyFile, 'utf8')) : undefined;
  return {
    get receiptKey() {
      return receiptKey;
    },
    get pinKey() {
      return pinKey && sm4PinKey(pinKey);
    },
    setPinKey: (k: Uint8Array) => {
      pinKey = k;
      if (pinKeyFile) fs.writeFileSync(pinKeyFile, toHex(k));
    },
    setReceiptKey: (k: Uint8Array) => {
      receiptKey = k;
      if (receiptKeyFile) fs.writeFileSync(receiptKeyFile, toHex(k));
    },
    keyVersion: 1,
    publicKey,
    publicKeyHex: toHex(publicKey),
    publicKeys: new Map([[1, publicKey]]),
    sign: (b) => signer.sign(b),
    verifierFor: (v) => (v === 1 ? (verifier ??= sm2Verifier(publicKey)) : undefined),
    dataKey: fromHex(dataKeyHex),
    created: false,
  } as TerminalKeys;
}

export async function enrolCore(
  spec: Pick<CoreSpec, 'issuerUrl' | 'terminalId' | 'merchantId' | 'privateKeyHex' | 'dataKeyHex'>,
): Promise<void> {
  await enrolTerminal({
    url: spec.issuerUrl,
    terminalId: spec.terminalId,
    merchantId: spec.merchantId ?? 'M000000000001',
    enrolToken: 'demo-enrol-token',
    keys: keysFromHex(spec.privateKeyHex, spec.dataKeyHex),
    timeoutMs: 5000,
    now: () => new Date(),
  });
}

export async function bootCore(spec: CoreSpec): Promise<Core> {
  const clock = () => new Date();
  const log = createEventLog(undefined, clock);
  if (spec.log) log.onLine(spec.log);
  const config = TerminalConfig.parse({
    terminalId: spec.terminalId,
    merchantId: spec.merchantId ?? 'M000000000001',
    merchantName: 'fault test',
    receipt: { width: 32 },
    issuer: {
      url: spec.issuerUrl,
      ...(spec.issuerBackupUrl ? { backupUrl: spec.issuerBackupUrl } : {}),
      publicKey: spec.issuerPublicKeyHex,
      attempts: spec.attempts,
    },
    offline: spec.offline ?? {},
    devices: [],
    ...(spec.epurse
      ? {
          issuers: [
            {
              id: 'default',
              name: 'default',
              url: spec.issuerUrl,
              publicKey: spec.issuerPublicKeyHex,
              attempts: spec.attempts,
              cardRanges: [''],
              epurse: true,
            },
          ],
        }
      : {}),
  });
  // Below the config file's 500 ms floor on purpose: the link-fault test's blackholes cost 0.3 s.
  config.issuer.timeoutMs = spec.timeoutMs;
  if (config.issuers) config.issuers[0]!.timeoutMs = spec.timeoutMs;
  const core = await createCore({
    dataDir: spec.dataDir,
    config,
    demo: false,
    keys: keysFromHex(
      spec.privateKeyHex,
      spec.dataKeyHex,
      spec.crypto,
      path.join(spec.dataDir, 'receipt-key.test.hex'),
    ),
    issuer: {
      url: spec.issuerUrl,
      publicKey: spec.issuerPublicKeyHex,
      // A restart in the crash loop should cost milliseconds, not the production verifier's tables.
      ...(spec.crypto === 'production' ? {} : { verifier: quickVerifier(spec.issuerPublicKeyHex) }),
    },
    log,
    clock,
    ...(spec.devices ? { devices: spec.devices } : {}),
  });
  return {
    core,
    terminal: core.terminal,
    store: core.terminal.opts.store,
    offline: core.ctx.offline.store,
    forwarder: core.ctx.offline.forwarder,
    jobs: core.jobs,
    voids: core.ctx.voidRefund,
    link: core.link,
    db: core.db,
    close: () => core.close(),
  };
}

/**
 * What a till has before its first sale: the operators (the manager whose PIN allows voids) and
 * an open shift, so every approved sale of the run is in the open batch and may be voided. Done
 * once, in a life that is not killed.
 */
export function prepareTill(c: Core): void {
  const ops = c.core.ctx.operators;
  if (!ops.get(FAULT_MANAGER.operatorId)) {
    ops.add({ id: '1001', name: 'fault cashier', role: 'cashier', pin: '1234' });
    ops.add({ id: FAULT_MANAGER.operatorId, name: 'fault manager', role: 'manager', pin: FAULT_MANAGER.pin });
    // The app's real PIN check, at a test-only cost: the hash names its own scrypt N, and 2^14 on a
    // loaded CI machine would take most of a crash-loop life before a void could start.
    const salt = randomBytes(16);
    const hash = scryptSync(FAULT_MANAGER.pin, salt, 32, { N: 1 << 10, r: 8, p: 1 });
    c.db
      .prepare('UPDATE operators SET pin_hash = ? WHERE id = ?')
      .run(`scrypt$${1 << 10}$8$1$${salt.toString('hex')}$${hash.toString('hex')}`, FAULT_MANAGER.operatorId);
  }
  const shifts = c.core.ctx.shifts;
  if (!shifts.current()) shifts.open({ id: FAULT_MANAGER.operatorId, role: 'manager' } as never, 0);
}
