/**
 * Starts a whole terminal for a test: a fresh data directory, the embedded issuer-sim over HTTP on
 * loopback, a real SQLite file, the real dispatcher. Devices are the demo simulators unless given.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type AppOptions, type CardTillApp } from '../../src/main/app';
import { setPinHashCostForTests } from '../../src/main/auth/pin-hash';
import type { MethodName, Req, Res } from '../../src/shared/contract';
import type { ApiErrorShape } from '../../src/shared/errors';

export interface TestApp {
  app: CardTillApp;
  dataDir: string;
  call<M extends MethodName>(method: M, params: Req<M>): Promise<Res<M>>;
  /** Calls and returns the typed error, failing the test if the call succeeded. */
  callError<M extends MethodName>(method: M, params: Req<M>): Promise<ApiErrorShape>;
  signIn(operatorId?: string, pin?: string): Promise<void>;
  /** Presents a card as the keyboard-wedge field would and returns its token. */
  card(pan: string): Promise<string>;
  issuerBalance(pan: string): number;
  close(): Promise<void>;
}

/** The tests' key secret: a fixed passphrase, sealing at a low scrypt cost (see KeySecret.sealCost). */
export const TEST_KEY_SECRET = {
  kind: 'passphrase' as const,
  secret: 'test-passphrase',
  sealCost: { N: 1 << 10 },
};

// Demo operators' PIN hashes at scrypt 2^8 in tests (see setPinHashCostForTests); the real cost is
// kept by test/unit tests of pin-hash and by the CLI child processes, which never call this.
setPinHashCostForTests(1 << 8);

export function tempDir(prefix = 'cardtill-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestApp(o: Partial<AppOptions> = {}): Promise<TestApp> {
  const dataDir = o.dataDir ?? tempDir();
  const app = await startApp({
    dataDir,
    // The key files' scrypt at 2^10 instead of 2^15: every test starts a terminal, and the real
    // cost (≈0.1–0.3 s a file) is covered by test/unit/crypto/keystore.test.ts and the CLI tests.
    keySecret: TEST_KEY_SECRET,
    backgroundMs: 60_000,
    // Demo mode's ISO 8583 issuer only where a test asks for it (demoIsoIssuer: true).
    demoIsoIssuer: false,
    ...o,
  });
  let id = 1;
  const call = async <M extends MethodName>(method: M, params: Req<M>): Promise<Res<M>> => {
    const r = await app.dispatch(id++, method, params);
    if (!r.ok)
      throw Object.assign(new Error(`${method}: ${r.error.code} ${r.error.detail ?? ''}`), { api: r.error });
    return r.result as Res<M>;
  };
  return {
    app,
    dataDir,
    call,
    async callError(method, params) {
      const r = await app.dispatch(id++, method, params);
      if (r.ok) throw new Error(`${method} succeeded but an error was expected`);
      return r.error;
    },
    async signIn(operatorId = '1001', pin = '1234') {
      await call('auth.signIn', { operatorId, pin });
    },
    async card(pan) {
      return (await call('card.enter', { pan, entryMode: 'wedge' })).cardToken;
    },
    issuerBalance(pan) {
      const c = app.issuerSim!.ledger.card(pan);
      if (!c) throw new Error(`no card ${pan} at the issuer`);
      return c.balance_fen;
    },
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
