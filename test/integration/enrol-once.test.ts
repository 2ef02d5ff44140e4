/**
 * Enrolment on real parts (the issuer-sim over loopback HTTP, the terminal's sealed key files):
 * the enrolment token is one-time — once a terminal has a key, the token can neither replace that
 * key nor add another — and a rotated key is enrolled on the endorsement of the key the issuer
 * already holds, without the token. An answer too large to be an enrolment answer is not buffered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { enrolTerminal, MAX_ENROL_ANSWER_BYTES } from '../../src/main/issuer/enrol';
import { signEnvelope } from '../../src/main/issuer/envelope';
import { loadOrCreateTerminalKeys, rotateTerminalKey } from '../../src/main/keys/terminal-keys';
import { canonicalBytes } from '../../src/shared/canonical-json';
import { sm2GenerateKeyPair, sm2Signer, sm2Verify, toHex, fromHex } from '../../src/main/crypto';
import { TillError } from '../../src/shared/errors';
import { unwrapReceiptKey } from '../../src/main/receipt/code';
import { startAnswerServer } from '../helpers/answer-server';
import { tempDir } from '../helpers/app';

const TOKEN = 'enrol-once-token';
const SECRET = { kind: 'passphrase' as const, secret: 'test-passphrase' };
let sim: IssuerSim;
const dirs: string[] = [];

beforeAll(async () => {
  const d = tempDir();
  dirs.push(d);
  sim = await startIssuerSim({ dataDir: path.join(d, 'issuer'), enrolToken: TOKEN });
});
afterAll(async () => {
  await sim.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Posts an enrolment signed by a key pair of the test's own (an attacker holding the token). */
async function postEnrol(
  msg: Record<string, unknown>,
  priv: Uint8Array,
): Promise<{ status: number; body: { error?: string; detail?: string } }> {
  const env = signEnvelope(
    {
      keyId: `terminal:${String(msg.terminalId)}:${String(msg.keyVersion)}`,
      sign: (b) => sm2Signer(priv).sign(b),
    },
    msg,
  );
  const res = await fetch(new URL('/v1/enrol', sim.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(env),
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

function enrolMsg(
  terminalId: string,
  keyVersion: number,
  publicKey: Uint8Array,
  extra: Record<string, unknown> = {},
) {
  return {
    type: 'enrol',
    terminalId,
    merchantId: 'M000000000001',
    keyVersion,
    publicKey: toHex(publicKey),
    time: new Date().toISOString(),
    nonce: toHex(crypto.getRandomValues(new Uint8Array(16))),
    ...extra,
  };
}

const enrolOpts = (terminalId: string, dataDir: string, enrolledKeyVersion?: number) => ({
  url: sim.url,
  terminalId,
  merchantId: 'M000000000001',
  enrolToken: TOKEN,
  enrolledKeyVersion,
  keys: loadOrCreateTerminalKeys(dataDir, SECRET),
  timeoutMs: 5000,
  now: () => new Date(),
  issuerVerifier: { verify: (m: Uint8Array, s: Uint8Array) => sm2Verify(fromHex(sim.publicKeyHex), m, s) },
});

describe('one-time enrolment token', () => {
  it('enrols the first key with the token; the token then cannot replace or add a key', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const answer = await enrolTerminal(enrolOpts('T1000001', dataDir));
    expect(answer.receiptKey).toBeDefined();
    const genuine = sim.ledger.terminalKey('T1000001', 1);
    expect(genuine).toBe(loadOrCreateTerminalKeys(dataDir, SECRET).publicKeyHex);

    const attacker = sm2GenerateKeyPair();
    const replace = await postEnrol(
      enrolMsg('T1000001', 1, attacker.publicKey, { enrolToken: TOKEN }),
      attacker.privateKey,
    );
    expect(replace.status).toBe(409);
    const add = await postEnrol(
      enrolMsg('T1000001', 2, attacker.publicKey, { enrolToken: TOKEN }),
      attacker.privateKey,
    );
    expect(add.status).toBe(403);
    expect(add.body.detail).toMatch(/token already used/);
    // Nothing changed at the issuer.
    expect(sim.ledger.terminalKey('T1000001', 1)).toBe(genuine);
    expect(sim.ledger.terminalKey('T1000001', 2)).toBeUndefined();
  });

  it('answers a retried first enrolment (lost answer) again, with the receipt key', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const first = await enrolTerminal(enrolOpts('T1000002', dataDir));
    const again = await enrolTerminal(enrolOpts('T1000002', dataDir));
    // Sealed afresh each time (new IV); the key inside is the same.
    const open = (w?: string) => toHex(unwrapReceiptKey(w!, TOKEN, 'T1000002'));
    expect(again.receiptKey).toBeDefined();
    expect(open(again.receiptKey)).toBe(open(first.receiptKey));
  });

  it('enrols a rotated key on the endorsement of the enrolled key, without sending the token', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    await enrolTerminal(enrolOpts('T1000003', dataDir));
    rotateTerminalKey(dataDir, SECRET);
    const sent: unknown[] = [];
    const keys = loadOrCreateTerminalKeys(dataDir, SECRET);
    expect(keys.keyVersion).toBe(2);
    // The token is wrong on purpose: a rotation must not depend on it.
    const o = { ...enrolOpts('T1000003', dataDir, 1), keys, enrolToken: 'spent-and-forgotten' };
    const spy = {
      ...o,
      keys: {
        ...keys,
        sign: (b: Uint8Array) => (sent.push(JSON.parse(new TextDecoder().decode(b))), keys.sign(b)),
      },
    };
    await enrolTerminal(spy);
    expect(sim.ledger.terminalKey('T1000003', 2)).toBe(keys.publicKeyHex);
    const msg = sent[0] as Record<string, unknown>;
    expect(msg.enrolToken).toBeUndefined();
    expect((msg.endorsement as { keyVersion: number }).keyVersion).toBe(1);
  });

  it('refuses a new key endorsed by anything but the newest enrolled key', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    await enrolTerminal(enrolOpts('T1000004', dataDir));
    const attacker = sm2GenerateKeyPair();
    const msg = enrolMsg('T1000004', 2, attacker.publicKey);
    const forged = sm2Signer(attacker.privateKey).sign(canonicalBytes(msg));
    const r = await postEnrol(
      { ...msg, endorsement: { keyVersion: 1, sig: Buffer.from(forged).toString('base64') } },
      attacker.privateKey,
    );
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/endorsement/);
    const none = await postEnrol(enrolMsg('T1000004', 2, attacker.publicKey), attacker.privateKey);
    expect(none.status).toBe(403);
    expect(sim.ledger.terminalKey('T1000004', 2)).toBeUndefined();
  });

  it('stops reading an answer larger than any enrolment answer', async () => {
    const server = await startAnswerServer();
    try {
      const body = Buffer.alloc(MAX_ENROL_ANSWER_BYTES * 4, 0x41);
      server.plan(() => ({ kind: 'http', status: 200, body }));
      const dataDir = tempDir();
      dirs.push(dataDir);
      const err = await enrolTerminal({ ...enrolOpts('T1000005', dataDir), url: server.url }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TillError);
      expect((err as TillError).code).toBe('ISSUER_UNREACHABLE');
      expect((err as TillError).message).toMatch(/answer over/);
    } finally {
      await server.close();
    }
  });
});
