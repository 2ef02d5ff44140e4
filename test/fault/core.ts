/**
 * A terminal core without the app around it (no devices, web host or scrypt-sealed key files):
 * the same TxnStore, Terminal, OfflineStore, Forwarder and HttpIssuerLink the app wires, booted in
 * a few milliseconds from keys handed in as hex. The fault tests start it many times — the crash
 * loop once per kill, the link-fault test once per simulated terminal.
 */
import { HttpIssuerLink } from '../../src/main/issuer/http-link';
import { enrolTerminal } from '../../src/main/issuer/enrol';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { Terminal } from '../../src/main/terminal/terminal';
import { VoidRefund } from '../../src/main/terminal/void-refund';
import { AuditLog } from '../../src/main/audit/audit-log';
import type { OverrideChecker } from '../../src/main/auth/override';
import { OfflineStore } from '../../src/offline-queue/store';
import { Forwarder } from '../../src/offline-queue/forwarder';
import { OfflineConfig } from '../../src/offline-queue/config';
import { randomBytes } from 'node:crypto';
import { sm2Verifier, sm2Signer, sm2GenerateKeyPair, sm3, fromHex, toHex } from '../../src/main/crypto';
import { sm2Z, encodeSignature, decodeSignature } from '../../src/main/crypto/sm2';
import { Sm2Point, N } from '../../src/main/crypto/sm2-curve';
import type { TerminalKeys } from '../../src/main/keys/terminal-keys';
import type { Db } from '../../src/main/store/sqlite';

export interface CoreSpec {
  dataDir: string;
  terminalId: string;
  merchantId?: string;
  issuerUrl: string;
  issuerPublicKeyHex: string;
  privateKeyHex: string;
  dataKeyHex: string;
  timeoutMs: number;
  attempts: number;
  offline?: Partial<OfflineConfig>;
  log?: (line: string) => void;
  /** 'quick' (default): cheap to start, for short-lived processes; 'production': the app's SM2 tables. */
  crypto?: 'quick' | 'production';
}

export interface Core {
  terminal: Terminal;
  store: TxnStore;
  offline: OfflineStore;
  forwarder: Forwarder;
  /** Voids (online, or queued behind an offline sale) with the app's VoidRefund. */
  voids: VoidRefund;
  link: HttpIssuerLink;
  db: Db;
  close(): Promise<void>;
}

/** Every override granted: the PIN check is not what the fault tests exercise (dispatch.test.ts is). */
const GRANT_ALL: OverrideChecker = {
  check: () => ({ id: '2001', name: 'fault manager', role: 'manager', disabled: false }) as never,
};

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
): TerminalKeys {
  const signer = crypto === 'quick' ? quickSigner(privateKeyHex) : sm2Signer(fromHex(privateKeyHex));
  const publicKey = signer.publicKey;
  let verifier: ReturnType<typeof sm2Verifier> | undefined; // built on first use: ~0.2 s per key
  return {
    keyVersion: 1,
    publicKey,
    publicKeyHex: toHex(publicKey),
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

export function bootCore(spec: CoreSpec): Core {
  const clock = () => new Date();
  const log = spec.log ?? (() => {});
  const merchantId = spec.merchantId ?? 'M000000000001';
  const keys = keysFromHex(spec.privateKeyHex, spec.dataKeyHex, spec.crypto);
  const link = new HttpIssuerLink({
    url: spec.issuerUrl,
    signer: { keyId: `terminal:${spec.terminalId}:1`, sign: keys.sign },
    // A restart in the crash loop should cost milliseconds, not the production verifier's tables.
    issuerVerifier:
      spec.crypto === 'production'
        ? sm2Verifier(fromHex(spec.issuerPublicKeyHex))
        : quickVerifier(spec.issuerPublicKeyHex),
    timeoutMs: spec.timeoutMs,
  });
  const db = openTerminalDb(spec.dataDir);
  const store = new TxnStore(db, keys.dataKey, keys, spec.terminalId, clock);
  const offline = new OfflineStore(db, keys.dataKey, store, OfflineConfig.parse(spec.offline ?? {}), clock);
  const forwarder = new Forwarder({
    store: offline,
    link,
    db,
    terminalId: spec.terminalId,
    merchantId,
    clock,
    log,
    initiallyUp: true,
  });
  const terminal = new Terminal({
    store,
    link,
    terminalId: spec.terminalId,
    merchantId,
    merchantName: 'fault test',
    receiptWidth: 32,
    maxAttempts: spec.attempts,
    clock,
    log,
    offline,
    onLink: (up, d) => forwarder.noteLink(up, d),
  });
  terminal.recoverPending();
  const voids = new VoidRefund({
    store,
    link,
    terminal,
    overrides: GRANT_ALL,
    audit: new AuditLog(db, clock, () => null),
    terminalId: spec.terminalId,
    merchantId,
    maxAttempts: spec.attempts,
    clock,
    log,
    // One endless open batch: any approved sale may be voided.
    batch: () => ({ fromStan: 1, shiftOpen: true, closing: false }),
    offline: { store: offline, forwardNow: () => forwarder.forwardNow(), kick: () => void forwarder.tick() },
  });
  return {
    terminal,
    store,
    offline,
    forwarder,
    voids,
    link,
    db,
    async close() {
      forwarder.stop();
      link.close();
      await forwarder.idle();
      db.close();
    },
  };
}
