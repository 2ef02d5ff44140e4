/**
 * The simulator's ISO 8583 face takes any bytes a client sends: mutated, correctly MAC'd and
 * random frames through IsoHost.handle on a real SQLite ledger. Every input is answered with a
 * frame that decodes (and names the request's answer MTI) or refused with "close" — never an
 * exception — and the card balances always equal the sum of the ledger's entries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUP_PROFILE as P,
  decodeFrame,
  encodeFrame,
  formatField60,
  formatField61,
  makeHeader,
  makeTpdu,
  type IsoFields,
} from '../../src/shared/iso8583';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { encodeWithMac, unwrapWorkingKeys } from '../../src/main/issuer/iso8583/working-keys';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { IsoHost } from '../../src/issuer-sim/iso8583/host';
import { DEMO_CARDS } from '../../src/issuer-sim/demo-cards';

const RUNS = Number(process.env.ISO8583_FUZZ_RUNS ?? 2_000);
const TMK = new Uint8Array(16).fill(0x42);
const KS = KEYSETS['3des'];
let dir: string;
let ledger: IssuerLedger;
let host: IsoHost;
let mak: Uint8Array;
const logLines: string[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-host-fuzz-'));
  ledger = new IssuerLedger(path.join(dir, 'issuer.db'));
  ledger.seedDemoCards();
  host = new IsoHost({ ledger, keySet: KS, tmk: TMK, log: (l) => logLines.push(l) });
  const signOn = host.handle(
    encodeFrameFor('0800', {
      11: '000001',
      60: formatField60({ typeCode: '00', batch: 0, networkCode: '004' }),
      63: '001',
    }),
  )!;
  mak = unwrapWorkingKeys(KS, TMK, decodeFrame(P, signOn).fields[62] as Uint8Array).mak;
});
afterAll(() => {
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function encodeFrameFor(mti: string, fields: IsoFields, withMac = false): Uint8Array {
  const msg = {
    tpdu: makeTpdu(P, 1, 0),
    header: makeHeader(P),
    mti,
    fields: { 41: 'T0000001', 42: 'M000000000001', ...fields },
  };
  // Requests without 64 (sign-on, echo, settlement) are encoded plainly.
  return withMac ? encodeWithMac(P, KS, mak, msg) : encodeFrame(P, msg, { keySet: KS.name });
}

const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const pan = fc.constantFrom(...DEMO_CARDS.map((c) => c.pan), '8888010000000082');

/** Well-formed, MAC'd requests of every financial kind with random values. */
const request = fc
  .record({
    kind: fc.constantFrom(
      'purchase',
      'balance',
      'void',
      'refund',
      'advice',
      'reversal',
      'cash-out',
      'top-up',
      'top-up-reversal',
    ),
    pan,
    fen: fc.integer({ min: 0, max: 200_000 }),
    stan: fc.integer({ min: 1, max: 3000 }),
    ref: fc.integer({ min: 1, max: 40 }),
    rrn: digits(12),
  })
  .map((r) => {
    const base: IsoFields = {
      2: r.pan,
      4: String(r.fen).padStart(12, '0'),
      11: String(r.stan).padStart(6, '0'),
      22: '021',
      25: '00',
      49: '156',
    };
    const t = (typeCode: string) => formatField60({ typeCode, batch: 1 });
    switch (r.kind) {
      case 'purchase':
        return encodeFrameFor('0200', { ...base, 3: '000000', 60: t('22') }, true);
      case 'cash-out':
        return encodeFrameFor('0200', { ...base, 3: '010000', 60: t('42') }, true);
      case 'top-up':
        return encodeFrameFor('0200', { ...base, 3: '210000', 60: t('41') }, true);
      case 'balance': {
        const { 4: _amount, ...rest } = base;
        return encodeFrameFor('0200', { ...rest, 3: '310000', 60: t('01') }, true);
      }
      case 'void':
        return encodeFrameFor(
          '0200',
          {
            ...base,
            3: '200000',
            37: r.rrn,
            38: r.rrn.slice(-6),
            60: t('23'),
            61: formatField61({ batch: 1, stan: r.ref }),
          },
          true,
        );
      case 'refund':
        return encodeFrameFor(
          '0220',
          {
            ...base,
            3: '200000',
            37: r.rrn,
            60: t('25'),
            61: formatField61({ batch: 1, stan: r.ref, date: '1201' }),
          },
          true,
        );
      case 'advice':
        return encodeFrameFor('0220', { ...base, 3: '000000', 12: '101010', 13: '1201', 60: t('22') }, true);
      case 'reversal':
        return encodeFrameFor('0400', { ...base, 3: '000000', 39: '98', 60: t('22') }, true);
      default:
        // The reversal of a top-up, whose money may have been spent since.
        return encodeFrameFor('0400', { ...base, 3: '210000', 39: '98', 60: t('41') }, true);
    }
  });

const mutate = (b: Uint8Array, at: number, v: number) => {
  const c = b.slice();
  if (c.length > 0) c[at % c.length] = v;
  return c;
};

function checkInvariant(): void {
  for (const c of DEMO_CARDS) {
    const sum = ledger.entries(c.pan).reduce((a, e) => a + e.deltaFen, 0);
    const card = ledger.card(c.pan)!;
    if (card.balance_fen !== c.balanceFen + sum) throw new Error(`ledger of ${c.pan} does not add up`);
  }
}

describe('ISO 8583 host fuzz', () => {
  it('valid, mutated and random frames: an answer that decodes, or close; balances always add up', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          request,
          fc.tuple(request, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, at, v]) => mutate(b, at, v)),
          fc.uint8Array({ maxLength: 300 }),
        ),
        (frame) => {
          const answer = host.handle(frame);
          if (answer !== null) {
            const a = decodeFrame(P, answer);
            if (!/^0[2458]\d0$/.test(a.mti)) throw new Error(`answer MTI ${a.mti}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
    checkInvariant();
    // No input made the host fail (a `96` would hide a bug behind a valid answer).
    expect(logLines.filter((l) => l.includes('malfunction'))).toEqual([]);
    // Money did move: the fuzz reached the decisions, not only the parser.
    expect(DEMO_CARDS.reduce((n, c) => n + ledger.entries(c.pan).length, 0)).toBeGreaterThan(10);
  });
});
