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
  /** The card's row in the embedded issuer's ledger (it must be there). */
  issuerCard(pan: string): IssuerCardRow;
  /** The X report, read by the manager (2001); the cashier (1001) is signed in again after. */
  xReport(): Promise<Res<'report.x'>['report']>;
  close(): Promise<void>;
}

type IssuerCardRow = NonNullable<ReturnType<NonNullable<CardTillApp['issuerSim']>['ledger']['card']>>;

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
  const issuerCard = (pan: string): IssuerCardRow => {
    const c = app.issuerSim!.ledger.card(pan);
    if (!c) throw new Error(`no card ${pan} at the issuer`);
    return c;
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
    issuerBalance: (pan) => issuerCard(pan).balance_fen,
    issuerCard,
    async xReport() {
      await call('auth.signIn', { operatorId: '2001', pin: '8888' });
      const x = await call('report.x', {});
      await call('auth.signIn', { operatorId: '1001', pin: '1234' });
      return x.report;
    },
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The demo issuer with a test's short link: `timeoutMs` × `attempts` (1.5 s × 2), so a lost answer
 * costs a test seconds, not the 16 s a till waits by default.
 */
export function shortIssuerLink(timeoutMs = 1500, attempts = 2): Partial<AppOptions> {
  // A partial issuer section: startApp lays it over the loaded config's (the cast says so).
  return { config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs, attempts } } as never };
}

/**
 * A terminal with its shift open: the manager (2001) opens it with `floatFen` in the drawer, then
 * the cashier (1001) signs in — where every test of money moving through the till starts.
 */
export async function startShiftApp(floatFen: number, o: Partial<AppOptions> = {}): Promise<TestApp> {
  const t = await startTestApp(o);
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: floatFen });
  await t.signIn();
  return t;
}

/** A printed document (receipt, X/Z report) as plain text: a pair as "left right", a text line as is. */
export function docText(doc: {
  lines: Array<{ type: string; text?: string; left?: string; right?: string }>;
}): string {
  return doc.lines
    .map((l) => (l.type === 'pair' ? `${l.left} ${l.right}` : l.type === 'text' ? l.text : ''))
    .join('\n');
}
